import Foundation

/// What `study.json` holds: what a study searches, and how. Written once, when the study is made.
///
/// ```json
/// {"format": 1, "space": {"params": [...]}, "direction": "minimize", "seed": 7,
///  "created": "2026-11-22T00:40:00.000Z", "versions": {"study": 1, "sampler": "tpe/2", "optimize": "0.1.0"}}
/// ```
public struct StudyDefinition: Sendable, Hashable {
    /// The version of the study directory's layout and records.
    public static let format = 1
    /// The sampler's identity: a study replays exactly only under the sampler that ran it.
    public static let samplerVersion = "tpe/2"

    public let space: SearchSpace
    public let direction: Direction
    public let seed: UInt64
    public let createdAt: Date
    /// The version of the tool that created the study.
    public let toolVersion: String
    public let samplerVersion: String

    public init(space: SearchSpace, direction: Direction, seed: UInt64, createdAt: Date = Date(),
                toolVersion: String = StudyStore.toolVersion, samplerVersion: String = StudyDefinition.samplerVersion) {
        self.space = space
        self.direction = direction
        self.seed = seed
        self.createdAt = createdAt
        self.toolVersion = toolVersion
        self.samplerVersion = samplerVersion
    }

    public var json: JSONValue {
        .object([
            ("format", .integer(Self.format)),
            ("space", space.json),
            ("direction", .string(direction.rawValue)),
            // Seeds above Int.max are written as strings: JSON readers lose such integers.
            ("seed", seed <= UInt64(Int.max) ? .integer(Int(seed)) : .string(String(seed))),
            ("created", .string(Timestamp.string(createdAt))),
            ("versions", .object([
                ("study", .integer(Self.format)), ("sampler", .string(samplerVersion)), ("optimize", .string(toolVersion)),
            ])),
        ])
    }

    /// Reads a definition from `study.json`'s JSON.
    ///
    /// - Throws: ``InputError`` (`invalidStudy`) naming the file and the field.
    public init(json: JSONValue, source: String) throws(InputError) {
        func fail(_ field: String, _ problem: String) -> InputError {
            InputError(.invalidStudy, source: "\(source): \(field)", problem: problem,
                       fix: "restore study.json; it is written once by `optimize study new` and never needs editing")
        }
        guard case .integer(let format)? = json["format"] else { throw fail("format", "missing or not an integer") }
        guard format == Self.format else {
            throw InputError(.invalidStudy, source: "\(source): format", problem: "format \(format) is not one this version reads (\(Self.format))",
                             fix: "open the study with the version of optimize that created it")
        }
        guard let spaceJSON = json["space"] else { throw fail("space", "missing") }
        let space: SearchSpace
        do { space = try SearchSpace(json: spaceJSON, source: "\(source): space") } catch {
            throw InputError(.invalidStudy, source: error.source, problem: error.problem, fix: error.fix)
        }
        guard case .string(let directionName)? = json["direction"], let direction = Direction(rawValue: directionName) else {
            throw fail("direction", "missing, or neither minimize nor maximize")
        }
        let seed: UInt64
        switch json["seed"] {
        case .integer(let value)? where value >= 0: seed = UInt64(value)
        case .string(let text)? where UInt64(text) != nil: seed = UInt64(text)!
        default: throw fail("seed", "missing or not an unsigned integer")
        }
        guard case .string(let created)? = json["created"], let createdAt = Timestamp.date(created) else {
            throw fail("created", "missing or not an ISO 8601 time")
        }
        // Studies that record no sampler were made before versions were recorded: by tpe/1.
        var toolVersion = "unknown", samplerVersion = "tpe/1"
        if case .string(let value)? = json["versions"]?["optimize"] { toolVersion = value }
        if case .string(let value)? = json["versions"]?["sampler"] { samplerVersion = value }
        self.init(space: space, direction: direction, seed: seed, createdAt: createdAt,
                  toolVersion: toolVersion, samplerVersion: samplerVersion)
    }
}
