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
