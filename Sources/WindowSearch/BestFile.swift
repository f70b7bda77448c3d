import Sieve
import Study

/// `best.json`: the best configuration so far, with the reference's `optimal_window_config.json`
/// fields (docs/reference-system.md §5.8–5.9) and more.
///
/// Apart from `last_updated` (the ISO-8601 time it was written, with its offset), it is a function
/// of the settings and the finished trials alone, so a resumed run writes it as an uninterrupted
/// one, times aside; `last_trial_number` names the trial after which it was written. Its JSON is
/// also the body of the run's live `optimal_window_config.json` (``RunExport``).
public struct BestFile: Encodable, Sendable {
    public static let fileName = "best.json"

    /// The trial that is best so far, and the reference's fields derived from it.
    public struct Best: Encodable, Sendable {
        let bestTrialNumber: Int
        let bestValue: Double?
        let bestBidirectionalCount: Int
        /// The parameters as recorded, with the reference's `time_of_day`.
        let bestParams: JSONValue
        let windowSize: Int
        let offset: Int
        let skipMin: Int
        let skipMax: Int
        let sessions: [String]
        let timeOfDay: String
        let forwardThreshold: Double
        let reverseThreshold: Double
        let prngType: String
        let testBothModes = false
        let seedCount: JSONValue
        let optimizationScore: Double?
        let forwardCount: Int
        let reverseCount: Int?
        let bidirectionalCount: Int
        // Beyond the reference's fields.
        let burn: Int
        let reverseWindow: Int?
        let trialLabel: String
        let modulus: UInt64
        let seeds: String
        let referenceMode: Bool
        let objective: String
        let sieve: TrialOutcome.Sieve?
        let chance: ChanceExpectation?
        let significance: Significance?
        let recovered: ListedSurvivor?
        let survivorFile: String?

        enum CodingKeys: String, CodingKey {
            case bestTrialNumber = "best_trial_number", bestValue = "best_value", bestBidirectionalCount = "best_bidirectional_count"
            case bestParams = "best_params", windowSize = "window_size", offset, skipMin = "skip_min", skipMax = "skip_max"
            case sessions, timeOfDay = "time_of_day", forwardThreshold = "forward_threshold", reverseThreshold = "reverse_threshold", prngType = "prng_type"
            case testBothModes = "test_both_modes", seedCount = "seed_count", optimizationScore = "optimization_score"
            case forwardCount = "forward_count", reverseCount = "reverse_count", bidirectionalCount = "bidirectional_count"
            case burn, reverseWindow = "reverse_window", trialLabel = "trial_label", modulus, seeds, referenceMode = "reference_mode"
            case objective, sieve, chance, significance, recovered, survivorFile = "survivor_file"
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(bestTrialNumber, forKey: .bestTrialNumber)
            try c.encode(JSONValue.number(bestValue), forKey: .bestValue)
            try c.encode(bestBidirectionalCount, forKey: .bestBidirectionalCount)
            try c.encode(bestParams, forKey: .bestParams)
            try c.encode(windowSize, forKey: .windowSize)
            try c.encode(offset, forKey: .offset)
            try c.encode(skipMin, forKey: .skipMin)
            try c.encode(skipMax, forKey: .skipMax)
            try c.encode(sessions, forKey: .sessions)
            try c.encode(forwardThreshold, forKey: .forwardThreshold)
            try c.encode(reverseThreshold, forKey: .reverseThreshold)
            try c.encode(timeOfDay, forKey: .timeOfDay)
            try c.encode(prngType, forKey: .prngType)
            try c.encode(testBothModes, forKey: .testBothModes)
            try c.encode(seedCount, forKey: .seedCount)
            try c.encode(JSONValue.number(optimizationScore), forKey: .optimizationScore)
            try c.encode(forwardCount, forKey: .forwardCount)
            try c.encode(reverseCount, forKey: .reverseCount)
            try c.encode(bidirectionalCount, forKey: .bidirectionalCount)
            try c.encode(burn, forKey: .burn)
            try c.encode(reverseWindow, forKey: .reverseWindow)
            try c.encode(trialLabel, forKey: .trialLabel)
            try c.encode(modulus, forKey: .modulus)
            try c.encode(seeds, forKey: .seeds)
            try c.encode(referenceMode, forKey: .referenceMode)
            try c.encode(objective, forKey: .objective)
            try c.encode(sieve, forKey: .sieve)
            try c.encode(chance, forKey: .chance)
            try c.encode(significance, forKey: .significance)
            try c.encode(recovered, forKey: .recovered)
            try c.encode(survivorFile, forKey: .survivorFile)
        }
    }

    let status: String
    let completedTrials: Int
    let totalTrials: Int
    let trialsByState: [(state: TrialState, count: Int)]
    let lastUpdated: String
    let lastTrialNumber: Int?
    let lastTrialValue: Double?
    /// Nil before the first complete trial (the file then says "No successful trials yet").
    let best: Best?

    /// The file after `outcomes`, written at `lastUpdated` (ISO 8601 with its offset).
    public init(settings: SearchSettings, shape: HistoryShape, outcomes: [TrialOutcome], lastUpdated: String) {
        let last = outcomes.last
        status = outcomes.count >= settings.trials ? "complete" : "in_progress"
        completedTrials = outcomes.count
        totalTrials = settings.trials
        trialsByState = TrialState.counts(in: outcomes)
        self.lastUpdated = lastUpdated
        lastTrialNumber = last?.trial
        lastTrialValue = last?.score
        guard let trial = SearchRun.best(of: outcomes) else {
            best = nil
            return
        }
        let p = trial.parameters
        let counts = trial.counts
        let sessions = p.sessions.names ?? shape.sessionCounts.map(\.name)
        let timeOfDay = Self.timeOfDay(sessions)
        best = Best(
            bestTrialNumber: trial.trial, bestValue: trial.score, bestBidirectionalCount: counts?.bidirectional ?? 0,
            bestParams: p.json.setting("time_of_day", .string(timeOfDay)), windowSize: p.windowSize, offset: p.offset,
            skipMin: p.skipMin, skipMax: p.skipMax, sessions: sessions, timeOfDay: timeOfDay,
            forwardThreshold: Double(p.forwardThreshold) ?? 0, reverseThreshold: Double(p.reverseThreshold) ?? 0,
            prngType: p.prng, seedCount: Self.seedCount(settings.seeds), optimizationScore: trial.score,
            forwardCount: counts?.forward ?? 0, reverseCount: counts?.reverse, bidirectionalCount: counts?.bidirectional ?? 0,
            burn: p.burn, reverseWindow: trial.sieve?.parameters.reverseWindow, trialLabel: p.label, modulus: settings.modulus,
            seeds: settings.seeds.description, referenceMode: settings.referenceMode, objective: settings.objective.description,
            sieve: trial.sieve, chance: trial.chance, significance: trial.significance, recovered: trial.strongest,
            survivorFile: trial.survivorFile)
    }

    /// The reference's `time_of_day`: the sessions a trial kept, joined by `+` (`midday+evening`),
    /// or `all` for a history without sessions.
    static func timeOfDay(_ sessions: [String]) -> String {
        sessions.isEmpty ? "all" : sessions.joined(separator: "+")
    }

    static func seedCount(_ seeds: SeedRange) -> JSONValue {
        seeds.count <= UInt128(UInt64.max) ? .uint64(UInt64(seeds.count)) : .string(String(seeds.count))
    }

    private enum CodingKeys: String, CodingKey {
        case status, completedTrials = "completed_trials", totalTrials = "total_trials", trialsByState = "trials_by_state"
        case lastUpdated = "last_updated", lastTrialNumber = "last_trial_number", lastTrialValue = "last_trial_value", note
        case bestTrialNumber = "best_trial_number", bestValue = "best_value"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(status, forKey: .status)
        try c.encode(completedTrials, forKey: .completedTrials)
        try c.encode(totalTrials, forKey: .totalTrials)
        try c.encode(JSONValue.object(trialsByState.map { ($0.state.rawValue, .integer($0.count)) }), forKey: .trialsByState)
        try c.encode(lastUpdated, forKey: .lastUpdated)
        try c.encode(lastTrialNumber, forKey: .lastTrialNumber)
        try c.encode(JSONValue.number(lastTrialValue), forKey: .lastTrialValue)
        if let best {
            try best.encode(to: encoder)
        } else {
            // docs/operations.md §1's form before any trial succeeds: the best fields present, null.
            try c.encode(JSONValue.null, forKey: .bestTrialNumber)
            try c.encode(JSONValue.null, forKey: .bestValue)
            try c.encode("No successful trials yet", forKey: .note)
        }
    }

    /// The file's JSON.
    public func json() throws(InputError) -> JSONValue { try RunFileCoding.encoder.encode(self) }
}
