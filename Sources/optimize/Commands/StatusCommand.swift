import ArgumentParser
import Campaign
import Foundation
import Sieve
import WindowSearch

/// `optimize status DIR`: the watcher's verdict on a search run (proceed, wait, retry, escalate).
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "The watcher's verdict on a window search or a campaign: proceed, wait, retry or escalate, with a confidence and a reason.",
        discussion: """
            Reads the run read-only (a running, stopped, killed, finished or damaged one) and applies the \
            rules table (the README's defaults, or --rules FILE). Exit status: 0 proceed, 2 wait, 3 retry, \
            4 escalate; bad input keeps its own status. --replay prints the verdict after each finished trial \
            (and exits 0).
            """)

    @Argument(help: "The run's directory (the --out of `optimize search` or `optimize campaign run`); none with --storage and --name.")
    var directory: String?

    @OptionGroup var shared: SharedRunOptions

    @Flag(help: "Print one JSON object (with --replay: one JSON object per line).")
    var json = false

    @Option(help: "A JSON file of watcher rules overriding the defaults (e.g. {\"staleness_factor\": 5}).")
    var rules: String?

    @Flag(help: "Print what the verdict would have been after each finished trial.")
    var replay = false

    /// The exit status of each action.
    static func exitStatus(_ action: Verdict.Action) -> Int32 {
        switch action {
        case .proceed: 0
        case .wait: 2
        case .retry: 3
        case .escalate: 4
        }
    }

    func run() throws {
        var status: Int32 = 0
        try reportingErrors {
            let rules = try self.rules.map { path throws(InputError) in try WatcherRules.read(path: path) } ?? .defaults
            // A campaign (`optimize campaign run`) is judged by the same watcher, with its campaign rules.
            let snapshot: RunSnapshot
            if let search = try shared.search(directory: directory) {
                snapshot = try search.snapshot()
            } else {
                guard let directory else {
                    throw InputError(.invalidOption, source: "DIR", problem: "missing",
                                     fix: "give the run's directory, or --storage URL --name NAME for a search in a database")
                }
                snapshot = CampaignSnapshot.isCampaign(directory) ? try CampaignSnapshot.read(directory: directory)
                                                                  : try RunSnapshot.read(directory: directory)
            }
            let now = Date()
            if replay && snapshot.damage.isEmpty {
                for (trial, at, verdict) in Watcher.replay(snapshot, now: now, rules: rules) {
                    if json {
                        print(JSONValue.object([
                            ("trial", .integer(trial)), ("at", at.map { .string(Timestamp.string($0)) } ?? .null),
                        ] + Self.members(verdict)).text)
                    } else {
                        print("after \(snapshot.campaign == nil ? "trial" : "cycle") \(trial): \(verdict.action.rawValue) (\(String(format: "%.2f", verdict.confidence))) \(verdict.reason)")
                    }
                }
                return
            }
            let verdict = Watcher.verdict(snapshot, now: now, rules: rules)
            status = Self.exitStatus(verdict.action)
            if json {
                print(Self.json(verdict, snapshot: snapshot, now: now, rules: rules).prettyText)
            } else {
                print("\(verdict.action.rawValue) (confidence \(String(format: "%.2f", verdict.confidence))): \(verdict.reason)")
                if let command = verdict.command { print("  run: \(command)") }
                for damage in snapshot.damage.dropFirst() { print("  also damaged: \(damage.file): \(damage.problem)") }
            }
        }
        if status != 0 { throw ExitCode(status) }
    }

    static func members(_ verdict: Verdict) -> [(key: String, value: JSONValue)] {
        [
            ("action", .string(verdict.action.rawValue)), ("confidence", .double(verdict.confidence)),
            ("reason", .string(verdict.reason)), ("rule", .string(verdict.rule.rawValue)),
            ("command", verdict.command.map { .string($0) } ?? .null), ("exit_status", .integer(Int(exitStatus(verdict.action)))),
        ]
    }

    static func json(_ verdict: Verdict, snapshot: RunSnapshot, now: Date, rules: WatcherRules) -> JSONValue {
        let last = snapshot.lastActivity
        let best: JSONValue = snapshot.best.map { best in
            .object([("trial", .integer(best.trial)), ("score", .number(best.score)), ("claims_significance", .bool(best.claimsSignificance))])
        } ?? .null
        return .object([("directory", .string(snapshot.directory))] + members(verdict) + [
            ("now", .string(Timestamp.string(now))),
            ("run", .object([
                ("status", .string(snapshot.runStatus)),
                ("finished_trials", .integer(snapshot.trials.count)),
                ("total_trials", .integer(snapshot.totalTrials)),
                ("level", .number(snapshot.level)),
                ("best", best),
                ("owner", .object([("alive", .bool(snapshot.owner.alive)), ("pid", snapshot.owner.pid.map { .integer($0) } ?? .null)])),
                ("last_activity", last.map { .string(Timestamp.string($0)) } ?? .null),
                ("seconds_since_activity", .number(last.map { now.timeIntervalSince($0) })),
                ("stale_after_seconds", .double(Watcher.staleAfter(snapshot, rules: rules))),
            ])),
            ("campaign", snapshot.campaign.map { campaign in
                .object([
                    ("finished_cycles", .integer(snapshot.trials.count)), ("total_cycles", .integer(campaign.cyclesTotal)),
                    ("seeds_done", .string(campaign.seedsDone(cycles: snapshot.trials.count))), ("seeds_total", .string(campaign.seedsTotal)),
                    ("candidates", .integer(campaign.candidates(cycles: snapshot.trials.count))), ("missed_canaries", .array(campaign.missedCanaries.map(JSONValue.integer))),
                    ("command", .string(campaign.command)),
                ])
            } ?? .null),
            ("damage", .array(snapshot.damage.map { .object([("file", .string($0.file)), ("problem", .string($0.problem))]) })),
            ("rules", rules.json),
        ])
    }
}
