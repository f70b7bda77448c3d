import Foundation
import Sieve
import WindowSearch

/// `campaign.json`: what a campaign sweeps and with which champion, written once when the campaign
/// starts. Running the same command again resumes it; a command that differs in any identity field
/// is refused (`outputDirectoryMismatch`), naming the fields.
public struct CampaignFile: Sendable, Equatable, Codable {
    public static let currentFormat = "optimize-campaign 1"
    /// The significance level of candidates, unless `--alpha` says otherwise.
    public static let defaultAlpha = 0.01
    /// Seeds of each canary's sieve.
    public static let defaultCanarySeeds: UInt64 = 1 << 12

    /// The draw history the cycles sieve.
    public struct History: Sendable, Equatable, Codable {
        /// As the user named it, and its absolute path.
        public var file: String
        public var path: String
        public var sha256: String
        public var formatGiven: String?
        public var newestFirst: Bool

        public init(file: String, path: String, sha256: String, formatGiven: String?, newestFirst: Bool) {
            self.file = file
            self.path = path
            self.sha256 = sha256
            self.formatGiven = formatGiven
            self.newestFirst = newestFirst
        }
    }

    public var format: String = currentFormat
    /// The champion's name (`champions/NAME.json`) and the directory of champions.
    public var champion: String
    public var championsDirectory: String
    public var history: History
    /// The seed range, `start..<end` (``Sieve/SeedRange``'s description).
    public var seeds: String
    /// Seeds per cycle.
    public var block: UInt64
    /// Candidates' family-wise error rate per cycle (docs/operations.md §2).
    public var alpha: Double
    public var chunkSize: UInt64
    public var chanceSampleSize: Int
    public var canarySeeds: UInt64
    /// The command that runs (and resumes) the campaign, for `optimize status`.
    public var command: String
    /// When the campaign started.
    public var created: String

    public init(champion: String, championsDirectory: String, history: History, seeds: SeedRange, block: UInt64,
                alpha: Double = defaultAlpha, chunkSize: UInt64 = SearchSettings.defaultChunkSize,
                chanceSampleSize: Int = SieveSweep.defaultChanceSampleSize, canarySeeds: UInt64 = defaultCanarySeeds,
                command: String, created: String = Timestamp.now()) {
        self.champion = champion
        self.championsDirectory = championsDirectory
        self.history = history
        self.seeds = seeds.description
        self.block = block
        self.alpha = alpha
        self.chunkSize = chunkSize
        self.chanceSampleSize = chanceSampleSize
        self.canarySeeds = canarySeeds
        self.command = command
        self.created = created
    }

    /// The seed range (checked against the family's width when a cycle starts).
    public func seedRange(source: String = CampaignFiles.campaign) throws(InputError) -> SeedRange {
        do { return try SeedRange.parse(seeds, family: .family(.xoshiro256pp), option: "seeds") } catch {
            throw InputError(.damagedOutputDirectory, source: "\(source): seeds", problem: error.problem,
                             fix: "restore campaign.json; optimize writes it when a campaign starts")
        }
    }

    /// What decides a campaign's files: the fields two commands must share to be one campaign.
    var identity: [(String, JSONValue)] {
        [("format", .string(format)), ("champion", .string(champion)), ("champions_directory", .string(championsDirectory)),
         ("history_sha256", .string(history.sha256)), ("history_format", history.formatGiven.map { .string($0) } ?? .null),
         ("newest_first", .bool(history.newestFirst)), ("seeds", .string(seeds)), ("block", .uint64(block)),
         ("alpha", .double(alpha)), ("chunk_size", .uint64(chunkSize)), ("chance_sample_size", .integer(chanceSampleSize)),
         ("canary_seeds", .uint64(canarySeeds))]
    }

    /// The identity fields that differ from `other`'s.
    public func differences(from other: CampaignFile) -> [String] {
        zip(identity, other.identity).filter { $0.1 != $1.1 }.map(\.0.0)
    }

    /// Checks the values a campaign cannot run with.
    public func validate() throws(InputError) {
        guard block >= 1 else {
            throw InputError(.invalidOption, source: "--block", problem: "0 seeds per cycle", fix: "give at least 1 seed per cycle")
        }
        try SearchSettings.validateSieving(alpha: alpha, chunkSize: chunkSize, chanceSampleSize: chanceSampleSize)
        guard canarySeeds >= 1, canarySeeds <= 1 << 24 else {
            throw InputError(.invalidOption, source: "--canary-seeds", problem: "\(canarySeeds) seeds",
                             fix: "give from 1 to 16777216 seeds")
        }
    }
}
