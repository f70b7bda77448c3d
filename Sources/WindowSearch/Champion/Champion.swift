import Foundation
import Sieve

/// `champions/NAME.json`: the window configuration a program runs with, promoted from a search
/// run's trial (`optimize champion promote`), with where it came from and a hash of its content.
///
/// The file is one JSON object:
///
/// ```json
/// {
///   "schema_version": 1,
///   "name": "default",
///   "configuration": {"window_size": 9, "offset": 40, "burn": 0, "skip_min": 1, "skip_max": 5,
///                     "forward_threshold": 0.25, "reverse_threshold": 0.25, "sessions": "all",
///                     "prng": "java_lcg", "prng_parameters": {}, "modulus": 1000,
///                     "reference_mode": false, "full_reverse": false},
///   "origin": {"run": "run", "trial": 7, "history_sha256": "…", "history": "/abs/h.json",
///              "family": "java_lcg", "seeds": "0..<131072",
///              "significance": {"observed": 1, "expected": 2.1e-06, "log10_p_value": -5.67, "level": 3, "claims": true},
///              "tool_version": "0.1.0", "git_commit": null},
///   "promoted_at": "2026-12-02T02:10:00.000+00:00",
///   "content_hash": "…"
/// }
/// ```
///
/// `content_hash` is the SHA-256 (hex) of ``canonicalText(_:)`` of every other member: the
/// object's compact JSON with its keys sorted. A reader recomputes it, so that a file edited by
/// hand, or cut short, is refused rather than run with.
public struct Champion: Sendable, Hashable, Codable {
    /// The only schema this version writes and reads.
    public static let schemaVersion = 1

    /// The name the file is stored under (`champions/NAME.json`).
    public var name: String
    /// The window configuration.
    public var configuration: Configuration
    /// The run and trial it was promoted from.
    public var origin: Origin
    /// When it was promoted: ISO-8601 with a numeric offset.
    public var promotedAt: String

    public init(name: String, configuration: Configuration, origin: Origin, promotedAt: String) {
        self.name = name
        self.configuration = configuration
        self.origin = origin
        self.promotedAt = promotedAt
    }

    // MARK: The file

    /// The record without `content_hash`: what the hash covers.
    var unhashedJSON: JSONValue {
        .object([
            ("schema_version", .integer(Self.schemaVersion)), ("name", .string(name)),
            ("configuration", configuration.json), ("origin", origin.json), ("promoted_at", .string(promotedAt)),
        ])
    }

    /// SHA-256 (hex) of the canonical text of the record without `content_hash`.
    public var contentHash: String { Self.hash(of: unhashedJSON) }

    /// The file's JSON: the record and its `content_hash`.
    public var json: JSONValue {
        guard case .object(let members) = unhashedJSON else { preconditionFailure("a champion is an object") }
        return .object(members + [("content_hash", .string(contentHash))])
    }

    /// The file's bytes (indented, with a final newline).
    public var fileBytes: [UInt8] { json.fileBytes }

    /// The text the content hash is taken of: compact JSON (no spaces), every object's keys sorted
    /// by their UTF-8 bytes, values written as ``JSONWriter`` writes them.
    public static func canonicalText(_ value: JSONValue) -> String {
        JSONWriter.compact(value.sortingKeys())
    }

    static func hash(of value: JSONValue) -> String {
        SHA256.hexDigest(of: Array(canonicalText(value).utf8))
    }

    /// Reads a champion file's bytes.
    ///
    /// - Parameters:
    ///   - source: the file, for messages.
    ///   - expectedName: the name it is loaded under; a file naming another champion is refused.
    /// - Throws: ``InputError`` (`invalidChampion`) naming the file and the field: not JSON, an unknown
    ///   `schema_version`, a `content_hash` that does not match the content, a missing or bad field.
    public init(bytes: [UInt8], source: String, expectedName: String? = nil) throws(InputError) {
        let json: JSONValue
        do { json = try JSONReader.parse(bytes) } catch {
            throw InputError(.invalidChampion, source: "\(source): \(error)", problem: "is not valid JSON",
                             fix: Self.restoreFix)
        }
        try self.init(json: json, source: source, expectedName: expectedName)
    }

    /// Reads a champion file's JSON (see ``init(bytes:source:expectedName:)``).
    public init(json: JSONValue, source: String, expectedName: String? = nil) throws(InputError) {
        let fields = try Fields(json, place: source)
        let version = try fields.integer("schema_version")
        guard version == Self.schemaVersion else {
            throw InputError(.invalidChampion, source: "\(source): schema_version",
                             problem: "is \(version); this version of optimize reads schema \(Self.schemaVersion) only",
                             fix: "promote the champion again with this version (`optimize champion promote RUN`), or use the version that wrote it")
        }
        let stated = try fields.string("content_hash")
        guard case .object(let members) = json else { preconditionFailure("Fields checked that it is an object") }
        let actual = Self.hash(of: .object(members.filter { $0.key != "content_hash" }))
        guard stated == actual else {
            throw InputError(.invalidChampion, source: "\(source): content_hash",
                             problem: "is \(stated.prefix(12))…, but the content's SHA-256 is \(actual.prefix(12))…: the file was changed after it was promoted",
                             fix: "restore it (`optimize champion rollback` restores the previous one), or promote again; never edit a champion by hand")
        }
        let name = try fields.string("name")
        if let expectedName, name != expectedName {
            throw InputError(.invalidChampion, source: "\(source): name",
                             problem: "is '\(name)', not '\(expectedName)', the name it is loaded under",
                             fix: "promote the configuration under this name (`optimize champion promote RUN --name \(expectedName)`) instead of copying the file")
        }
        let promotedAt = try fields.string("promoted_at")
        guard Timestamp.date(promotedAt) != nil else {
            throw fields.failure("promoted_at", "is not an ISO-8601 time")
        }
        self.init(name: name, configuration: try Configuration(fields.member("configuration")),
                  origin: try Origin(fields.member("origin")), promotedAt: promotedAt)
        try configuration.validate(source: "\(source): configuration")
    }

    static let restoreFix = "restore the file (`optimize champion rollback` restores the previous one), or promote again with `optimize champion promote RUN`"

    // MARK: Codable (through JSONValueEncoder and JSONValueDecoder)

    public func encode(to encoder: any Encoder) throws {
        try json.encode(to: encoder)
    }

    public init(from decoder: any Decoder) throws {
        let value = try JSONValue(from: decoder)
        do {
            try self.init(json: value, source: "a champion record")
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }
}

extension Champion {
    /// The members of a JSON object, read with errors that name the file and the field.
    struct Fields {
        let members: [(key: String, value: JSONValue)]
        /// The file and the object's path in it (`champions/a.json: origin`).
        let place: String

        init(_ value: JSONValue, place: String) throws(InputError) {
            guard case .object(let members) = value else {
                throw InputError(.invalidChampion, source: place, problem: "is \(value.typeName), not an object", fix: Champion.restoreFix)
            }
            self.members = members
            self.place = place
        }

        func failure(_ key: String, _ problem: String) -> InputError {
            InputError(.invalidChampion, source: "\(place)\(place.contains(": ") ? "." : ": ")\(key)", problem: problem, fix: Champion.restoreFix)
        }

        func value(_ key: String) throws(InputError) -> JSONValue {
            guard let value = members.last(where: { $0.key == key })?.value else { throw failure(key, "is missing") }
            return value
        }

        func member(_ key: String) throws(InputError) -> Fields {
            let value = try value(key)
            guard case .object = value else { throw failure(key, "is \(value.typeName), not an object") }
            return try Fields(value, place: "\(place)\(place.contains(": ") ? "." : ": ")\(key)")
        }

        func integer(_ key: String) throws(InputError) -> Int {
            let value = try value(key)
            guard let integer = value.integer else { throw failure(key, "is \(value.typeName), not an integer") }
            return integer
        }

        func unsigned(_ key: String) throws(InputError) -> UInt64 {
            let value = try value(key)
            guard let integer = value.uint64 else { throw failure(key, "is \(value.typeName), not a non-negative integer") }
            return integer
        }

        func number(_ key: String) throws(InputError) -> Double {
            let value = try value(key)
            guard let number = value.number else { throw failure(key, "is \(value.typeName), not a number") }
            return number
        }

        /// A number, or nil for `null`.
        func optionalNumber(_ key: String) throws(InputError) -> Double? {
            if case .null = try value(key) { return nil }
            return try number(key)
        }

        func string(_ key: String) throws(InputError) -> String {
            let value = try value(key)
            guard let text = value.string else { throw failure(key, "is \(value.typeName), not a string") }
            return text
        }

        /// A string, or nil for `null`.
        func optionalString(_ key: String) throws(InputError) -> String? {
            if case .null = try value(key) { return nil }
            return try string(key)
        }

        func bool(_ key: String) throws(InputError) -> Bool {
            let value = try value(key)
            guard let flag = value.bool else { throw failure(key, "is \(value.typeName), not true or false") }
            return flag
        }
    }
}
