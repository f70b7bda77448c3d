import Foundation
import Sieve

/// `progress.json`: where a run stands, for a monitor. Replaced after every trial and every few
/// seconds within one; it has times, and is not part of what a resume reproduces.
public struct ProgressFile: Encodable, Sendable {
    public static let fileName = "progress.json"

    /// The trial being sieved.
    public struct CurrentTrial: Encodable, Sendable {
        let trial: Int
        let params: TrialParameters
        let elapsedSeconds: Double
        let sieve: SieveSweep.Progress?

        enum CodingKeys: String, CodingKey {
            case trial, params, elapsedSeconds = "elapsed_seconds", seedsDone = "seeds_done", seedsTotal = "seeds_total"
            case fraction, chunksDone = "chunks_done", forwardSoFar = "forward_so_far", bidirectionalSoFar = "bidirectional_so_far"
            case seedsSwept = "seeds_swept", seedsPerSecond = "seeds_per_second"
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(trial, forKey: .trial)
            try c.encode(params, forKey: .params)
            try c.encode(elapsedSeconds, forKey: .elapsedSeconds)
            guard let sieve else { return }
            try c.encode(String(sieve.seedsDone), forKey: .seedsDone)
            try c.encode(String(sieve.seedsTotal), forKey: .seedsTotal)
            try c.encode(sieve.seedsTotal == 0 ? 1 : Double(sieve.seedsDone) / Double(sieve.seedsTotal), forKey: .fraction)
            try c.encode(sieve.chunksDone, forKey: .chunksDone)
            try c.encode(sieve.forward, forKey: .forwardSoFar)
            try c.encode(sieve.bidirectional, forKey: .bidirectionalSoFar)
            // Within the chunk in progress too (a monitor's bar moves between checkpoints), and the
            // rate this process sweeps at.
            try c.encode(String(sieve.seedsSwept), forKey: .seedsSwept)
            try c.encode(JSONValue.number(elapsedSeconds > 0 ? Double(sieve.seedsSweptThisRun) / elapsedSeconds : nil),
                         forKey: .seedsPerSecond)
        }
    }

    /// A finished trial among the last ten.
    public struct RecentTrial: Encodable, Sendable {
        let trial: Int
        let state: TrialState
        let score: JSONValue
    }

    /// The best trial so far, in short.
    public struct BestTrial: Encodable, Sendable {
        let trial: Int
        let score: JSONValue
        let params: TrialParameters
        let bidirectional: Int
        let claimsSignificance: Bool
        let level: JSONValue
        let recovered: ListedSurvivor?

        enum CodingKeys: String, CodingKey {
            case trial, score, params, bidirectional, claimsSignificance = "claims_significance", level, recovered
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(trial, forKey: .trial)
            try c.encode(score, forKey: .score)
            try c.encode(params, forKey: .params)
            try c.encode(bidirectional, forKey: .bidirectional)
            try c.encode(claimsSignificance, forKey: .claimsSignificance)
            try c.encode(level, forKey: .level)
            try c.encode(recovered, forKey: .recovered)
        }
    }

    let status: String
    let updatedAt: String
    let processStartedAt: String
    let elapsedSeconds: Double
    let totalTrials: Int
    let finishedTrials: Int
    let trialsByState: [(state: TrialState, count: Int)]
    let currentTrial: CurrentTrial?
    let recentScores: [RecentTrial]
    let meanTrialSeconds: Double?
    let trialsPerHour: Double?
    let timedTrials: Int
    let etaSeconds: Double?
    let survivorsForward: Int
    let survivorsBidirectional: Int
    let best: BestTrial?

    private enum CodingKeys: String, CodingKey {
        case status, updatedAt = "updated_at", processStartedAt = "process_started_at", elapsedSeconds = "elapsed_seconds"
        case totalTrials = "total_trials", finishedTrials = "finished_trials", trialsByState = "trials_by_state"
        case currentTrial = "current_trial", recentScores = "recent_scores", meanTrialSeconds = "mean_trial_seconds"
        case trialsPerHour = "trials_per_hour", timedTrials = "timed_trials", etaSeconds = "eta_seconds"
        case survivorsSoFar = "survivors_so_far", best
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(status, forKey: .status)
        try c.encode(updatedAt, forKey: .updatedAt)
        try c.encode(processStartedAt, forKey: .processStartedAt)
        try c.encode(elapsedSeconds, forKey: .elapsedSeconds)
        try c.encode(totalTrials, forKey: .totalTrials)
        try c.encode(finishedTrials, forKey: .finishedTrials)
        try c.encode(JSONValue.object(trialsByState.map { ($0.state.rawValue, .integer($0.count)) }), forKey: .trialsByState)
        try c.encode(currentTrial, forKey: .currentTrial)
        try c.encode(recentScores, forKey: .recentScores)
        try c.encode(JSONValue.number(meanTrialSeconds), forKey: .meanTrialSeconds)
        try c.encode(JSONValue.number(trialsPerHour), forKey: .trialsPerHour)
        try c.encode(timedTrials, forKey: .timedTrials)
        try c.encode(JSONValue.number(etaSeconds), forKey: .etaSeconds)
        try c.encode(JSONValue.object([("forward", .integer(survivorsForward)), ("bidirectional", .integer(survivorsBidirectional))]),
                     forKey: .survivorsSoFar)
        try c.encode(best, forKey: .best)
    }
}

/// Keeps what `progress.json` reports up to date as a run goes: trial durations (from the
/// timings journal and this process), the current trial and its sieve's progress.
struct ProgressTracker {
    let settings: SearchSettings
    private(set) var outcomes: [TrialOutcome]
    /// Seconds per finished trial, from the timings journal and this process.
    private var durations: [Int: Double] = [:]
    private let processStarted = Date()
    private var current: (trial: Int, parameters: TrialParameters, started: Date)?
    private var chunk: SieveSweep.Progress?
    private var lastWritten = Date.distantPast
    /// Seconds between progress files within a trial.
    let interval: TimeInterval = 2

    init(settings: SearchSettings, outcomes: [TrialOutcome], durations: [Int: Double]) {
        self.settings = settings
        self.outcomes = outcomes
        self.durations = durations
    }

    mutating func trialStarted(_ trial: Int, parameters: TrialParameters, at date: Date) {
        current = (trial, parameters, date)
        chunk = nil
    }

    /// Records a chunk's progress; `true` when a progress file is due.
    mutating func sieveProgress(_ progress: SieveSweep.Progress) -> Bool {
        chunk = progress
        return Date().timeIntervalSince(lastWritten) >= interval
    }

    mutating func trialFinished(_ outcome: TrialOutcome, seconds: Double) {
        outcomes.append(outcome)
        durations[outcome.trial, default: 0] += seconds
        current = nil
        chunk = nil
    }

    /// The progress file as of now.
    mutating func file(status: String, best: TrialOutcome?) -> ProgressFile {
        let now = Date()
        lastWritten = now
        let finished = outcomes.count
        let remaining = max(0, settings.trials - finished)
        let timed = durations.values
        let mean = timed.isEmpty ? nil : timed.reduce(0, +) / Double(timed.count)
        let currentElapsed = current.map { now.timeIntervalSince($0.started) } ?? 0
        var eta: Double?
        if let mean, remaining > 0 {
            eta = max(0, Double(remaining) * mean - min(currentElapsed, mean))
        } else if remaining == 0 {
            eta = 0
        }
        let completed = outcomes.compactMap(\.evaluation)
        return ProgressFile(
            status: status, updatedAt: Timestamp.string(now), processStartedAt: Timestamp.string(processStarted),
            elapsedSeconds: now.timeIntervalSince(processStarted), totalTrials: settings.trials, finishedTrials: finished,
            trialsByState: TrialState.counts(in: outcomes),
            currentTrial: current.map { .init(trial: $0.trial, params: $0.parameters, elapsedSeconds: currentElapsed, sieve: chunk) },
            recentScores: outcomes.suffix(10).map { .init(trial: $0.trial, state: $0.state, score: .number($0.score)) },
            meanTrialSeconds: mean, trialsPerHour: mean.flatMap { $0 > 0 ? 3600 / $0 : nil },
            timedTrials: durations.isEmpty ? 0 : outcomes.filter { durations[$0.trial] != nil }.count, etaSeconds: eta,
            survivorsForward: completed.map(\.counts.forward).reduce(0, +) + (chunk?.forward ?? 0),
            survivorsBidirectional: completed.map(\.counts.bidirectional).reduce(0, +) + (chunk?.bidirectional ?? 0),
            best: best.map { best in
                .init(trial: best.trial, score: .number(best.score), params: best.parameters,
                      bidirectional: best.counts?.bidirectional ?? 0, claimsSignificance: best.significance?.claims ?? false,
                      level: .number(best.significance?.level), recovered: best.strongest)
            })
    }
}
