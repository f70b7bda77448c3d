import Foundation
import Sieve
import Study

/// `best.json`: the best configuration so far, with the reference's `optimal_window_config.json`
/// fields (docs/reference-system.md §5.8–5.9) and more. It is a function of the settings and the finished
/// trials alone (no clock), so a resumed run writes it byte for byte as an uninterrupted one:
/// `last_updated` names the trial after which it was written; progress.json has the times.
public enum BestFile {
    public static func json(settings: SearchSettings, shape: HistoryShape, outcomes: [TrialOutcome]) -> JSONValue {
        let finished = outcomes.count
        let last = outcomes.last
        var members: [(key: String, value: JSONValue)] = [
            ("status", .string(finished >= settings.trials ? "complete" : "in_progress")),
            ("completed_trials", .integer(finished)),
            ("total_trials", .integer(settings.trials)),
            ("trials_by_state", .object(TrialState.allCases.map { state in
                (state.rawValue, JSONValue.integer(outcomes.filter { $0.state == state }.count))
            })),
            ("last_updated", .string(last.map { "after trial \($0.trial)" } ?? "before the first trial")),
            ("last_trial_number", last.map { .integer($0.trial) } ?? .null),
            ("last_trial_value", .number(last?.score)),
        ]
        guard let best = SearchRun.best(of: outcomes) else {
            members.append(("note", .string("No successful trials yet")))
            return .object(members)
        }
        let p = best.parameters
        let counts = best.counts
        let sessions: [String] = HistoryShape.sessions(ofChoice: p.sessions) ?? shape.sessionCounts.map(\.name)
        members += [
            ("best_trial_number", .integer(best.trial)),
            ("best_value", .number(best.score)),
            ("best_bidirectional_count", .integer(counts?.bidirectional ?? 0)),
            ("best_params", p.json),
            ("window_size", .integer(p.windowSize)),
            ("offset", .integer(p.offset)),
            ("skip_min", .integer(p.skipMin)),
            ("skip_max", .integer(p.skipMax)),
            ("sessions", .array(sessions.map { .string($0) })),
            ("forward_threshold", .double(Double(p.forwardThreshold) ?? 0)),
            ("reverse_threshold", .double(Double(p.reverseThreshold) ?? 0)),
            ("prng_type", .string(p.prng)),
            ("test_both_modes", .bool(false)),
            ("seed_count", seedCount(settings.seeds)),
            ("optimization_score", .number(best.score)),
            ("forward_count", .integer(counts?.forward ?? 0)),
            ("reverse_count", counts?.reverse.map { .integer($0) } ?? .null),
            ("bidirectional_count", .integer(counts?.bidirectional ?? 0)),
            // Beyond the reference's fields.
            ("burn", .integer(p.burn)),
            ("reverse_window", best.sieve?["reverse_window"] ?? .null),
            ("trial_label", .string(p.label)),
            ("modulus", .unsigned(settings.modulus)),
            ("seeds", .string(settings.seeds.description)),
            ("reference_mode", .bool(settings.referenceMode)),
            ("objective", .string(settings.objective.description)),
            ("sieve", best.sieve ?? .null),
            ("chance", best.chance ?? .null),
            ("significance", significanceJSON(best.significance)),
            ("recovered", best.strongest?.json ?? .null),
            ("survivor_file", best.survivorFile.map { .string($0) } ?? .null),
        ]
        return .object(members)
    }

    static func seedCount(_ seeds: SeedRange) -> JSONValue {
        seeds.count <= UInt128(Int.max) ? .integer(Int(seeds.count)) : .string(String(seeds.count))
    }

    static func significanceJSON(_ significance: Significance?) -> JSONValue {
        guard let s = significance else { return .null }
        return .object([
            ("observed", .integer(s.observed)), ("expected", .number(s.expected)), ("p_value", .number(s.pValue)),
            ("score", .number(s.score)), ("level", .number(s.level)), ("claims_significance", .bool(s.claims)),
        ])
    }
}

/// What `progress.json` reports: where the run stands, for a monitor. Replaced after every trial
/// and every few seconds within one; it has times, and is not part of what a resume reproduces.
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

    init(settings: SearchSettings, outcomes: [TrialOutcome], timings: [JSONValue]) {
        self.settings = settings
        self.outcomes = outcomes
        for record in timings {
            if let trial = record["trial"]?.integer, let seconds = record["seconds"]?.number {
                durations[trial, default: 0] += seconds
            }
        }
    }

    mutating func trialStarted(_ trial: Int, parameters: TrialParameters, at date: Date) {
        current = (trial, parameters, date)
        chunk = nil
    }

    /// Records a chunk's progress; `true` when a progress file is due.
    mutating func sieveProgress(_ progress: SieveSweep.Progress) -> Bool {
        chunk = progress
        let now = Date()
        guard now.timeIntervalSince(lastWritten) >= interval else { return false }
        return true
    }

    mutating func trialFinished(_ outcome: TrialOutcome, seconds: Double) {
        outcomes.append(outcome)
        durations[outcome.trial, default: 0] += seconds
        current = nil
        chunk = nil
    }

    mutating func json(status: String, best: TrialOutcome?) -> JSONValue {
        let now = Date()
        lastWritten = now
        let finished = outcomes.count
        let remaining = max(0, settings.trials - finished)
        let timed = durations.values
        let mean = timed.isEmpty ? nil : timed.reduce(0, +) / Double(timed.count)
        var currentElapsed = 0.0
        var currentFraction = 0.0
        var currentJSON: JSONValue = .null
        if let current {
            currentElapsed = now.timeIntervalSince(current.started)
            var members: [(key: String, value: JSONValue)] = [
                ("trial", .integer(current.trial)), ("params", current.parameters.json),
                ("elapsed_seconds", .double(currentElapsed)),
            ]
            if let chunk {
                currentFraction = chunk.seedsTotal == 0 ? 1 : Double(chunk.seedsDone) / Double(chunk.seedsTotal)
                members += [
                    ("seeds_done", .string(String(chunk.seedsDone))), ("seeds_total", .string(String(chunk.seedsTotal))),
                    ("fraction", .double(currentFraction)), ("chunks_done", .integer(chunk.chunksDone)),
                    ("forward_so_far", .integer(chunk.forward)), ("bidirectional_so_far", .integer(chunk.bidirectional)),
                ]
            }
            currentJSON = .object(members)
        }
        var eta: JSONValue = .null
        if let mean, remaining > 0 {
            eta = .double(max(0, Double(remaining) * mean - min(currentElapsed, mean)))
        } else if remaining == 0 {
            eta = .double(0)
        }
        let completed = outcomes.filter { $0.state == .complete }
        let survivorsForward = completed.compactMap(\.counts?.forward).reduce(0, +) + (chunk?.forward ?? 0)
        let survivorsBidirectional = completed.compactMap(\.counts?.bidirectional).reduce(0, +) + (chunk?.bidirectional ?? 0)
        let recent = outcomes.suffix(10).map { outcome -> JSONValue in
            .object([("trial", .integer(outcome.trial)), ("state", .string(outcome.state.rawValue)), ("score", .number(outcome.score))])
        }
        let elapsed = now.timeIntervalSince(processStarted)
        let thisProcess = durations.isEmpty ? 0 : outcomes.filter { durations[$0.trial] != nil }.count
        var bestJSON: JSONValue = .null
        if let best {
            bestJSON = .object([
                ("trial", .integer(best.trial)), ("score", .number(best.score)), ("params", best.parameters.json),
                ("bidirectional", .integer(best.counts?.bidirectional ?? 0)),
                ("claims_significance", .bool(best.significance?.claims ?? false)),
                ("level", .number(best.significance?.level)),
                ("recovered", best.strongest?.json ?? .null),
            ])
        }
        var byState: [(key: String, value: JSONValue)] = []
        for state in TrialState.allCases {
            byState.append((state.rawValue, .integer(outcomes.filter { $0.state == state }.count)))
        }
        var rate: Double?
        if let mean, mean > 0 { rate = 3600 / mean }
        var members: [(key: String, value: JSONValue)] = []
        members.append(("status", .string(status)))
        members.append(("updated_at", .string(Timestamp.string(now))))
        members.append(("process_started_at", .string(Timestamp.string(processStarted))))
        members.append(("elapsed_seconds", .double(elapsed)))
        members.append(("total_trials", .integer(settings.trials)))
        members.append(("finished_trials", .integer(finished)))
        members.append(("trials_by_state", .object(byState)))
        members.append(("current_trial", currentJSON))
        members.append(("recent_scores", .array(recent)))
        members.append(("mean_trial_seconds", .number(mean)))
        members.append(("trials_per_hour", .number(rate)))
        members.append(("timed_trials", .integer(thisProcess)))
        members.append(("eta_seconds", eta))
        members.append(("survivors_so_far", .object([("forward", .integer(survivorsForward)), ("bidirectional", .integer(survivorsBidirectional))])))
        members.append(("best", bestJSON))
        return .object(members)
    }
}
