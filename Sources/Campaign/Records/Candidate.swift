/// One line of `candidates.jsonl`: a survivor whose matches chance does not explain at the
/// campaign's level (``CandidateRule``), appended once.
public struct Candidate: Sendable, Hashable, Codable {
    public var cycle: Int
    public var seed: UInt64
    public var skip: Int
    /// Matches over the draws tested (forward and reverse windows).
    public var matches: Int
    public var draws: Int
    /// log10 of the binomial tail P(X ≥ matches), X ~ Binomial(draws, 1/M).
    public var log10P: Double
    /// The champion's content hash (nil: the baseline).
    public var championHash: String?

    public init(cycle: Int, seed: UInt64, skip: Int, matches: Int, draws: Int, log10P: Double, championHash: String?) {
        self.cycle = cycle
        self.seed = seed
        self.skip = skip
        self.matches = matches
        self.draws = draws
        self.log10P = log10P
        self.championHash = championHash
    }

    private enum CodingKeys: String, CodingKey {
        case cycle, seed, skip, matches, draws, log10P = "log10_p", championHash = "champion_hash"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(cycle, forKey: .cycle)
        try c.encode(seed, forKey: .seed)
        try c.encode(skip, forKey: .skip)
        try c.encode(matches, forKey: .matches)
        try c.encode(draws, forKey: .draws)
        try c.encode(JSONValue.number(log10P), forKey: .log10P)
        try c.encode(championHash.map(JSONValue.string) ?? .null, forKey: .championHash)
    }
}
