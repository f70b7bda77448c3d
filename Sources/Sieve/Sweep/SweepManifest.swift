import Foundation

/// What determines a sweep's results. A directory written with another identity is refused, so
/// that two runs' survivors are never mixed.
public struct SweepIdentity: Codable, Sendable, Equatable {
    public struct PRNG: Codable, Sendable, Equatable {
        public let family: String
        public let parameters: [String: UInt64]
    }
    public struct History: Codable, Sendable, Equatable {
        public let sha256: String
        public let format: String
        public let order: String
        public let draws: Int
        public let sessions: [String]?
        public let droppedBySessionFilter: Int
    }
    public struct Shard: Codable, Sendable, Equatable {
        public let index: Int
        public let count: Int
        public let first: UInt64
        public let last: UInt64
    }

    public let prng: PRNG
    public let history: History
    public let modulus: UInt64
    public let window: Int
    public let offset: Int
    public let reverseWindow: Int?
    public let skipMin: UInt32
    public let skipMax: UInt32
    public let burn: UInt64
    public let threshold: String
    public let forwardMinMatches: Int
    public let reverseThreshold: String?
    public let reverseMinMatches: Int?
    public let reverseScope: String?
    public let referenceMode: Bool
    /// The whole seed range, first ... last (a shard covers part of it).
    public let seedsFirst: UInt64
    public let seedsLast: UInt64
    public let shard: Shard?

    public init(plan: SievePlan, history: DrawHistory, seeds: SeedRange, shard: Shard?) {
        let p = plan.parameters
        prng = PRNG(family: p.prng.family.name, parameters: p.prng.parameters)
        self.history = History(
            sha256: history.checksum, format: history.format.rawValue, order: history.order.rawValue,
            draws: history.count, sessions: history.sessions, droppedBySessionFilter: history.droppedBySessionFilter)
        modulus = p.modulus
        window = p.window
        offset = p.offset
        reverseWindow = p.hasReverse ? plan.reverseDraws.count : nil
        skipMin = p.skips.lowerBound
        skipMax = p.skips.upperBound
        burn = p.burn
        threshold = p.forwardThreshold.description
        forwardMinMatches = plan.forwardMinimum
        reverseThreshold = p.reverseThreshold?.description
        reverseMinMatches = plan.reverseMinimum
        reverseScope = p.hasReverse && !p.referenceMode ? p.reverseScope.rawValue : nil
        referenceMode = p.referenceMode
        seedsFirst = seeds.first
        seedsLast = seeds.last
        self.shard = shard
    }

    /// The seeds this sweep covers: its shard, or the whole range.
    public var sweptSeeds: SeedRange {
        shard.map { SeedRange(first: $0.first, last: $0.last) } ?? SeedRange(first: seedsFirst, last: seedsLast)
    }

    /// The fields that differ from `other`, by name (empty when the identities are equal).
    public func differences(from other: SweepIdentity) -> [String] {
        guard self != other else { return [] }
        let encoder = JSONEncoder.sweep
        guard let mine = try? JSONSerialization.jsonObject(with: encoder.encode(self)) as? [String: Any],
              let theirs = try? JSONSerialization.jsonObject(with: encoder.encode(other)) as? [String: Any]
        else { return ["identity"] }
        // Compare each field's canonical JSON text.
        func text(_ value: Any?) -> Data? {
            try? JSONSerialization.data(withJSONObject: ["v": value ?? NSNull()], options: [.sortedKeys])
        }
        let differing = Set(mine.keys).union(theirs.keys).sorted().filter { text(mine[$0]) != text(theirs[$0]) }
        return differing.isEmpty ? ["identity"] : differing
    }
}

/// `sweep.json`: a sweep's identity and how it is run, written once when the sweep starts.
public struct SweepManifest: Codable, Sendable {
    public static let fileName = "sweep.json"
    public static let currentFormat = "optimize-sweep 1"

    public let format: String
    public let identity: SweepIdentity
    /// The history file as the user named it when the sweep started (its content is the checksum).
    public let historyFile: String
    /// Seeds per journaled chunk: fixed for the sweep, so that a resume journals the same chunks.
    public let chunkSize: UInt64
    public let recordSize: Int
    public let strategy: String
    public let created: String
    public let version: String
}

/// `summary.json`: a finished sweep's totals, written atomically when its last chunk is on disk.
/// It holds no timings, so that a resumed sweep's summary equals an uninterrupted one's.
public struct SweepSummary: Codable, Sendable, Equatable {
    public static let fileName = "summary.json"

    public let status: String
    /// Seeds swept, in decimal (up to 2^64).
    public let seeds: String
    public let records: Int
    public let survivorBytes: UInt64
    public let forward: Int
    public let reverse: Int?
    public let bidirectional: Int?
    public let chance: ChanceExpectation
}

extension JSONEncoder {
    /// The encoder of every sweep file: snake_case keys, sorted, pretty.
    static var sweep: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}

extension JSONDecoder {
    static var sweep: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }
}
