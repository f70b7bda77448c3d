import Sieve

/// One bidirectional survivor as reports list it: `{"seed", "skip", "forward_matches", "reverse_matches"}`.
public struct ListedSurvivor: Sendable, Hashable, Codable {
    public let seed: UInt64
    public let skip: UInt32
    public let forwardMatches: UInt32
    public let reverseMatches: UInt32

    /// The survivor's bidirectional view: the skip both tests passed at (reference mode: the
    /// forward skip, each test's best count).
    public init(_ record: SurvivorRecord, referenceMode: Bool) {
        seed = record.seed
        if referenceMode {
            skip = record.forwardSkip
            forwardMatches = record.forwardMatches
            reverseMatches = record.reverseMatches
        } else {
            skip = record.bidirectionalSkip
            forwardMatches = record.bidirectionalForward
            reverseMatches = record.bidirectionalReverse
        }
    }

    public init(seed: UInt64, skip: UInt32, forwardMatches: UInt32, reverseMatches: UInt32) {
        self.seed = seed
        self.skip = skip
        self.forwardMatches = forwardMatches
        self.reverseMatches = reverseMatches
    }

    private enum CodingKeys: String, CodingKey {
        case seed, skip, forwardMatches = "forward_matches", reverseMatches = "reverse_matches"
    }

}
