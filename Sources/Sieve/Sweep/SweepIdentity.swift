/// What determines a sweep's results: the effective sieve parameters, the history, the seed range
/// and the shard. A directory written with another identity is refused, so that two runs'
/// survivors are never mixed.
///
/// In `sweep.json` the parameters' fields sit beside the others (`modulus`, `window`, … next to
/// `history`), as version 0.1.0 wrote them.
public struct SweepIdentity: Codable, Sendable, Equatable {
    /// The history a sweep read, by content.
    public struct History: Codable, Sendable, Equatable {
        public let sha256: String
        public let format: String
        public let order: String
        public let draws: Int
        public let sessions: [String]?
        public let droppedBySessionFilter: Int

        public init(_ history: DrawHistory) {
            sha256 = history.checksum
            format = history.format.rawValue
            order = history.order.rawValue
            draws = history.count
            sessions = history.sessions
            droppedBySessionFilter = history.droppedBySessionFilter
        }
    }

    /// Which part of the seed range a shard sweeps.
    public struct Shard: Codable, Sendable, Equatable {
        public let index: Int
        public let count: Int
        public let first: UInt64
        public let last: UInt64
    }

    public let parameters: EffectiveSieveParameters
    public let history: History
    /// The whole seed range, first ... last (a shard covers part of it).
    public let seedsFirst: UInt64
    public let seedsLast: UInt64
    public let shard: Shard?

    public init(plan: SievePlan, history: DrawHistory, seeds: SeedRange, shard: Shard?) {
        parameters = EffectiveSieveParameters(plan: plan)
        self.history = History(history)
        seedsFirst = seeds.first
        seedsLast = seeds.last
        self.shard = shard
    }

    /// A copy with another shard (`nil`: the identity of the unsharded sweep).
    public func withShard(_ shard: Shard?) -> SweepIdentity {
        SweepIdentity(parameters: parameters, history: history, seedsFirst: seedsFirst, seedsLast: seedsLast, shard: shard)
    }

    private init(parameters: EffectiveSieveParameters, history: History, seedsFirst: UInt64, seedsLast: UInt64, shard: Shard?) {
        self.parameters = parameters
        self.history = history
        self.seedsFirst = seedsFirst
        self.seedsLast = seedsLast
        self.shard = shard
    }

    /// The seeds this sweep covers: its shard, or the whole range.
    public var sweptSeeds: SeedRange {
        shard.map { SeedRange(first: $0.first, last: $0.last) } ?? SeedRange(first: seedsFirst, last: seedsLast)
    }

    /// The fields that differ from `other`, by name (empty when the identities are equal).
    public func differences(from other: SweepIdentity) -> [String] {
        guard self != other else { return [] }
        let encoder = SweepFileCoding.encoder
        guard let mine = (try? encoder.encode(self))?.members, let theirs = (try? encoder.encode(other))?.members else {
            return ["identity"]
        }
        let names = Set(mine.map(\.key)).union(theirs.map(\.key)).sorted()
        let differing = names.filter { name in
            mine.last { $0.key == name }?.value != theirs.last { $0.key == name }?.value
        }
        return differing.isEmpty ? ["identity"] : differing
    }

    private enum CodingKeys: String, CodingKey {
        case history, seedsFirst, seedsLast, shard
    }

    public init(from decoder: any Decoder) throws {
        parameters = try EffectiveSieveParameters(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        history = try container.decode(History.self, forKey: .history)
        seedsFirst = try container.decode(UInt64.self, forKey: .seedsFirst)
        seedsLast = try container.decode(UInt64.self, forKey: .seedsLast)
        shard = try container.decodeIfPresent(Shard.self, forKey: .shard)
    }

    public func encode(to encoder: any Encoder) throws {
        try parameters.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(history, forKey: .history)
        try container.encode(seedsFirst, forKey: .seedsFirst)
        try container.encode(seedsLast, forKey: .seedsLast)
        try container.encodeIfPresent(shard, forKey: .shard)
    }
}
