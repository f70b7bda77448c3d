import Foundation
import Sieve

/// The watcher's decision about a run (docs/operations.md §1, README "Watching a run"): one of four
/// actions, a confidence and a one-line reason.
public struct Verdict: Sendable, Equatable {
    public enum Action: String, Sendable, CaseIterable {
        /// Complete and good enough: move on.
        case proceed
        /// In progress: look again later.
        case wait
        /// Failed or stopped: run it again (here: resume it, with ``Verdict/command``).
        case retry
        /// A person must look.
        case escalate
    }

    /// Which rule decided, by a stable name (`complete-claim`, `killed`, `stale`, …).
    public enum Rule: String, Sendable, CaseIterable {
        case damaged
        case completeClaim = "complete-claim"
        case completeNoClaim = "complete-no-claim"
        case stale
        case runningClaim = "running-claim"
        case running
        case interrupted
        case killed
        /// A campaign: the last cycle's canary was missed.
        case canaryMiss = "canary-miss"
        /// A campaign: every cycle of its range is done.
        case campaignComplete = "campaign-complete"
    }

    public let action: Action
    public let confidence: Double
    public let reason: String
    public let rule: Rule
    /// The command that carries out a `retry` (`optimize resume DIR`).
    public let command: String?

    public init(_ action: Action, _ confidence: Double, _ rule: Rule, _ reason: String, command: String? = nil) {
        self.action = action
        self.confidence = confidence
        self.rule = rule
        self.reason = reason
        self.command = command
    }
}

/// The watcher's rules as one pure function of a run's snapshot, the time and the rules table.
///
/// In order, the first that applies:
/// 1. a damaged or unreadable file → escalate (`damaged_confidence`), naming the file;
/// 2. every trial finished (recorded, and `run.json` says complete), and a trial claims
///    significance → proceed (`proceed_confidence`);
/// 3. every trial finished, none claims significance → escalate (`no_claim_confidence`);
/// 4. a process holds the run's lock, and nothing changed for longer than
///    max(`minimum_staleness_seconds`, `staleness_factor` × the slowest of the last
///    `recent_trials` trials) → escalate (`stale_confidence`);
/// 5. a process holds the lock, recently updated → wait (`wait_claimed_confidence` when a trial
///    already claims significance, else `wait_confidence`);
/// 6. no process holds it, the run stopped on request (`interrupted`) → retry
///    (`interrupted_confidence`) with `optimize resume DIR`;
/// 7. no process holds it, the run says it is running (its process was killed, perhaps after the
///    last trial's record but before best.json and run.json were rewritten) → retry
///    (`killed_confidence`) with `optimize resume DIR`.
public enum Watcher {
    public static func verdict(_ run: RunSnapshot, now: Date, rules: WatcherRules = .defaults) -> Verdict {
        if let first = run.damage.first {
            let more = run.damage.count > 1 ? " (and \(run.damage.count - 1) more)" : ""
            return Verdict(.escalate, rules.damagedConfidence, .damaged, "\(first.file) is damaged or unreadable: \(first.problem)\(more)")
        }
        if let campaign = run.campaign { return campaignVerdict(run, campaign, now: now, rules: rules) }
        let done = "\(run.trials.count) of \(run.totalTrials) trials"
        if run.isComplete {
            guard let best = run.best else {
                return Verdict(.escalate, rules.noClaimConfidence, .completeNoClaim,
                               "complete: \(done), none of them complete with a score (all pruned or failed): nothing to claim")
            }
            if best.claimsSignificance {
                return Verdict(.proceed, rules.proceedConfidence, .completeClaim,
                               "complete: \(done); trial \(best.trial) claims significance (score \(format(best.score)) above level \(format(run.level)))")
            }
            return Verdict(.escalate, rules.noClaimConfidence, .completeNoClaim,
                           "complete: \(done) and no trial claims significance (best: trial \(best.trial), score \(format(best.score)), level \(format(run.level)))")
        }
        let resume = "optimize resume \(shellQuoted(run.directory))"
        guard run.owner.alive else {
            if run.runStatus == "interrupted" {
                return Verdict(.retry, rules.interruptedConfidence, .interrupted,
                               "stopped on request after \(done); continue it with `\(resume)`", command: resume)
            }
            let who = run.owner.pid.map { "its process (\($0))" } ?? "its process"
            let state = run.allTrialsRecorded ? "all \(run.totalTrials) trials are recorded but its files were never finished"
                                              : "the run is incomplete (\(done))"
            return Verdict(.retry, rules.killedConfidence, .killed,
                           "\(who) is gone and \(state): it was killed; continue it with `\(resume)`", command: resume)
        }
        let allowed = staleAfter(run, rules: rules)
        if let last = run.lastActivity {
            let quiet = now.timeIntervalSince(last)
            if quiet > allowed {
                return Verdict(.escalate, rules.staleConfidence, .stale,
                               "running (\(done)) but nothing changed for \(seconds(quiet)), longer than the \(seconds(allowed)) its recent trials make plausible")
            }
        }
        let left = max(0, run.totalTrials - run.trials.count)
        if let best = run.best, best.claimsSignificance {
            return Verdict(.wait, rules.waitClaimedConfidence, .runningClaim,
                           "running: \(done), \(left) to go; trial \(best.trial) already claims significance (score \(format(best.score)), level \(format(run.level)))")
        }
        let bestText = run.best.map { "best so far trial \($0.trial), score \(format($0.score)) of level \(format(run.level))" } ?? "no complete trial yet"
        return Verdict(.wait, rules.waitConfidence, .running, "running: \(done), \(left) to go; no claim yet (\(bestText))")
    }

    /// A campaign's verdict (its cycles are the snapshot's trials), the first rule that applies:
    /// 1. (damage is checked first, as for a search run);
    /// 2. the last finished cycle's canary was missed → escalate (`canary_miss_confidence`): the
    ///    backend did not find a planted seed, so nothing it reports can be trusted;
    /// 3. every cycle of the range done → proceed (`proceed_confidence`), with the candidates;
    /// 4. no process holds `campaign.lock` → retry (`killed_confidence`) with the campaign's command;
    /// 5. a process holds it and nothing changed for longer than ``staleAfter(_:rules:)`` → escalate (`stale_confidence`);
    /// 6. a process holds it, recently updated → wait (`wait_confidence`).
    static func campaignVerdict(_ run: RunSnapshot, _ campaign: RunSnapshot.Campaign, now: Date, rules: WatcherRules) -> Verdict {
        let cycles = run.trials.count
        let done = "\(cycles) of \(campaign.cyclesTotal) cycles (\(campaign.seedsDone(cycles: cycles)) of \(campaign.seedsTotal) seeds)"
        let candidates = campaign.candidates(cycles: cycles)
        let found = "\(candidates) candidate\(candidates == 1 ? "" : "s") in candidates.jsonl"
        if let last = run.trials.last, campaign.missedCanaries.contains(last.trial) {
            return Verdict(.escalate, rules.canaryMissConfidence, .canaryMiss,
                           "cycle \(last.trial)'s canary was missed: the backend did not find the seed planted for it (hard_bank.txt); \(done), \(found)")
        }
        if campaign.cyclesTotal > 0 && run.trials.count >= campaign.cyclesTotal {
            return Verdict(.proceed, rules.proceedConfidence, .campaignComplete, "complete: \(done); \(found)")
        }
        guard run.owner.alive else {
            let who = run.owner.pid.map { "its process (\($0))" } ?? "its process"
            return Verdict(.retry, rules.killedConfidence, .killed,
                           "\(who) is gone and the campaign is incomplete (\(done)): resume it with `\(campaign.command)`",
                           command: campaign.command)
        }
        let allowed = staleAfter(run, rules: rules)
        if let last = run.lastActivity, now.timeIntervalSince(last) > allowed {
            return Verdict(.escalate, rules.staleConfidence, .stale,
                           "running (\(done)) but nothing changed for \(seconds(now.timeIntervalSince(last))), longer than the \(seconds(allowed)) its recent cycles make plausible")
        }
        return Verdict(.wait, rules.waitConfidence, .running, "running: \(done); \(found) so far")
    }

    /// Seconds without change after which a running run is stale: max(minimum, factor × the slowest
    /// of the last `recent_trials` timed trials).
    public static func staleAfter(_ run: RunSnapshot, rules: WatcherRules = .defaults) -> Double {
        let recent = run.trials.suffix(rules.recentTrials).compactMap(\.seconds)
        return max(rules.minimumStalenessSeconds, rules.stalenessFactor * (recent.max() ?? 0))
    }

    /// What the watcher would have said right after each finished trial, at the time it finished
    /// (``RunSnapshot/after(trial:)``); trials without a recorded time are judged at `now`.
    public static func replay(_ run: RunSnapshot, now: Date, rules: WatcherRules = .defaults) -> [(trial: Int, at: Date?, verdict: Verdict)] {
        run.trials.indices.map { index in
            let snapshot = run.after(trial: index)
            let at = run.trials[index].finished
            return (run.trials[index].trial, at, verdict(snapshot, now: at ?? now, rules: rules))
        }
    }

    static func format(_ value: Double?) -> String {
        guard let value else { return "none" }
        return value.isFinite ? String(format: "%.3g", value) : "\(value)"
    }

    static func seconds(_ value: Double) -> String {
        value < 120 ? String(format: "%.0f s", value) : value < 7200 ? String(format: "%.1f min", value / 60) : String(format: "%.1f h", value / 3600)
    }

    /// `text` as one shell word.
    public static func shellQuoted(_ text: String) -> String {
        let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:@%+,")
        if !text.isEmpty && text.allSatisfy({ safe.contains($0) }) { return text }
        return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
