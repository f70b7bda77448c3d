import Sieve
import Study

/// Where a trial stands once finished: the name its record and the reports use.
public enum TrialState: String, Sendable, Hashable, CaseIterable, Codable {
    /// The sieve ran; the trial has a score.
    case complete = "COMPLETE"
    /// No sieve ran: the parameters cannot (skip_min above skip_max, a window that does not fit).
    case pruned = "PRUNED"
    /// The sieve failed.
    case failed = "FAILED"

    /// How many of `outcomes` are in each state, in the order of ``allCases``.
    public static func counts(in outcomes: [TrialOutcome]) -> [(state: TrialState, count: Int)] {
        allCases.map { state in (state, outcomes.filter { $0.state == state }.count) }
    }
}

/// A finished trial, as its journal record (`trials.journal`) holds it. Records hold no timings,
/// so that a run killed and resumed writes the same records as one that was not.
///
/// ```swift
/// switch outcome.result {
/// case .complete(let evaluation): print(evaluation.score, evaluation.counts.bidirectional)
/// case .pruned(let reason), .failed(let reason): print(reason)
/// }
/// ```
public struct TrialOutcome: Sendable, Codable {
    /// What became of the trial.
    public enum Result: Sendable {
        /// The sieve ran and the objective scored it.
        case complete(Evaluation)
        /// No sieve ran: the parameters cannot run (the reason says why).
        case pruned(reason: String)
        /// The sieve failed (the reason says how).
        case failed(reason: String)
    }

    /// Survivors of each test, over the trial's seeds.
    public struct Counts: Sendable, Hashable, Codable {
        public let forward: Int
        /// Reverse survivors, when the reverse test ran over every seed (full range, reference mode).
        public let reverse: Int?
        public let bidirectional: Int
    }

    /// Where a trial's survivors are, relative to the run directory.
    public struct SurvivorFileReference: Sendable, Hashable, Codable {
        public let file: String
        public let bytes: UInt64
        public let recordSize: Int

        private enum CodingKeys: String, CodingKey {
            case file, bytes, recordSize = "record_size"
        }
    }

    /// The sieve a trial ran: its effective parameters, and the part of the history and the seeds
    /// it read.
    public struct Sieve: Sendable, Codable, Equatable {
        public let parameters: EffectiveSieveParameters
        /// The sessions kept (nil: all).
        public let sessions: [String]?
        public let draws: Int
        public let droppedBySessionFilter: Int
        public let seeds: String
        public let strategy: String

        public init(parameters: EffectiveSieveParameters, sessions: [String]?, draws: Int, droppedBySessionFilter: Int,
                    seeds: String, strategy: String) {
            self.parameters = parameters
            self.sessions = sessions
            self.draws = draws
            self.droppedBySessionFilter = droppedBySessionFilter
            self.seeds = seeds
            self.strategy = strategy
        }

        private enum CodingKeys: String, CodingKey {
            case sessions, draws, droppedBySessionFilter = "dropped_by_session_filter", seeds, strategy
        }

        public init(from decoder: any Decoder) throws {
            parameters = try EffectiveSieveParameters(from: decoder)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            sessions = try container.decodeIfPresent([String].self, forKey: .sessions)
            draws = try container.decode(Int.self, forKey: .draws)
            droppedBySessionFilter = try container.decode(Int.self, forKey: .droppedBySessionFilter)
            seeds = try container.decode(String.self, forKey: .seeds)
            strategy = try container.decode(String.self, forKey: .strategy)
        }

        public func encode(to encoder: any Encoder) throws {
            try parameters.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(sessions, forKey: .sessions)
            try container.encode(draws, forKey: .draws)
            try container.encode(droppedBySessionFilter, forKey: .droppedBySessionFilter)
            try container.encode(seeds, forKey: .seeds)
            try container.encode(strategy, forKey: .strategy)
        }
    }

    /// A complete trial's results.
    public struct Evaluation: Sendable {
        public let sieve: Sieve
        public let counts: Counts
        public let chance: ChanceExpectation
        public let significance: Significance
        /// The objective's value.
        public let score: Double
        public let survivors: SurvivorFileReference
        /// The bidirectional survivor with the most matches (ties: the smallest seed).
        public let strongest: ListedSurvivor?

        public init(sieve: Sieve, counts: Counts, chance: ChanceExpectation, significance: Significance, score: Double,
                    survivors: SurvivorFileReference, strongest: ListedSurvivor?) {
            self.sieve = sieve
            self.counts = counts
            self.chance = chance
            self.significance = significance
            self.score = score
            self.survivors = survivors
            self.strongest = strongest
        }
    }

    public let trial: Int
    public let parameters: TrialParameters
    /// The objective's name (significance, count, band).
    public let objective: String
    public let result: Result

    /// The trial's state, its evaluation (complete trials) and its reason (pruned and failed ones),
    /// taken from ``result`` once. (Stored rather than computed by matching `result` in each
    /// accessor: Swift 6.3's optimizer crashes on such accessors inlined into callers.)
    public let state: TrialState
    public let evaluation: Evaluation?
    /// Why the trial was pruned, or how it failed.
    public let reason: String?

    public init(trial: Int, parameters: TrialParameters, objective: String, result: Result) {
        self.trial = trial
        self.parameters = parameters
        self.objective = objective
        self.result = result
        switch result {
        case .complete(let evaluation):
            (state, self.evaluation, reason) = (.complete, evaluation, nil)
        case .pruned(let reason):
            (state, evaluation, self.reason) = (.pruned, nil, reason)
        case .failed(let reason):
            (state, evaluation, self.reason) = (.failed, nil, reason)
        }
    }

    // MARK: What reports read

    // Not inlined: Swift 6.3's optimizer miscompiles (crashes on) these optional chains through a
    // borrowed outcome when they are inlined into callers in other modules.

    @inline(never) public var score: Double? { evaluation?.score }
    @inline(never) public var counts: Counts? { evaluation?.counts }
    @inline(never) public var significance: Significance? { evaluation?.significance }
    @inline(never) public var chance: ChanceExpectation? { evaluation?.chance }
    @inline(never) public var sieve: Sieve? { evaluation?.sieve }
    @inline(never) public var strongest: ListedSurvivor? { evaluation?.strongest }
    @inline(never) public var survivorFile: String? { evaluation?.survivors.file }
    @inline(never) public var survivorBytes: UInt64? { evaluation?.survivors.bytes }

    /// kr: the reverse window's draws.
    @inline(never) public var reverseWindow: Int { sieve?.parameters.reverseWindow ?? parameters.windowSize }

    /// The expected bidirectional survivors by chance (the model's value, before the conservative bound).
    @inline(never) public var chanceBidirectional: Double? { chance?.expected(.bidirectional) }

    // MARK: The record

    private enum CodingKeys: String, CodingKey {
        case trial, state, params, sieve, counts, chance, significance, objective, score, reason, survivors, strongest
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(trial, forKey: .trial)
        try container.encode(state, forKey: .state)
        try container.encode(parameters, forKey: .params)
        switch result {
        case .complete(let evaluation):
            try container.encode(evaluation.sieve, forKey: .sieve)
            try container.encode(evaluation.counts, forKey: .counts)
            try container.encode(evaluation.chance, forKey: .chance)
            try container.encode(evaluation.significance, forKey: .significance)
            try container.encode(objective, forKey: .objective)
            try container.encode(evaluation.score, forKey: .score)
            try container.encode(evaluation.survivors, forKey: .survivors)
            if let strongest = evaluation.strongest {
                try container.encode(strongest, forKey: .strongest)
            } else {
                try container.encodeNil(forKey: .strongest)
            }
        case .pruned, .failed:
            try container.encode(objective, forKey: .objective)
            try container.encode(reason ?? "", forKey: .reason)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let result: Result
        switch try container.decode(TrialState.self, forKey: .state) {
        case .complete:
            result = .complete(Evaluation(
                sieve: try container.decode(Sieve.self, forKey: .sieve),
                counts: try container.decode(Counts.self, forKey: .counts),
                chance: try container.decode(ChanceExpectation.self, forKey: .chance),
                significance: try container.decode(Significance.self, forKey: .significance),
                score: try container.decode(Double.self, forKey: .score),
                survivors: try container.decode(SurvivorFileReference.self, forKey: .survivors),
                strongest: try container.decodeIfPresent(ListedSurvivor.self, forKey: .strongest)))
        case .pruned:
            result = .pruned(reason: try container.decode(String.self, forKey: .reason))
        case .failed:
            result = .failed(reason: try container.decode(String.self, forKey: .reason))
        }
        self.init(trial: try container.decode(Int.self, forKey: .trial), parameters: try container.decode(TrialParameters.self, forKey: .params),
                  objective: try container.decode(String.self, forKey: .objective), result: result)
    }
}
