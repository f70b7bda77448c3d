import Foundation
import Sieve
import Testing
@testable import WindowSearch

@Suite("Watcher: the verdict on a run, rule by rule")
struct WatcherTests {
    static let now = Date(timeIntervalSince1970: 2_000_000_000)
    static let level = 2.3

    /// Trials 0 ..< count, each `seconds` long, finishing `seconds` apart and the last at `lastAt`;
    /// trial `claim` (if any) claims significance.
    static func trials(_ count: Int, seconds: Double = 10, claim: Int? = nil, failed: Bool = false, lastAt: Date = now) -> [RunSnapshot.Trial] {
        (0..<count).map { index in
            RunSnapshot.Trial(trial: index, state: failed ? .failed : .complete,
                              score: failed ? nil : (index == claim ? 9.5 : 0.4), claimsSignificance: index == claim,
                              seconds: seconds, finished: lastAt.addingTimeInterval(-Double(count - 1 - index) * seconds))
        }
    }

    static func run(status: String = "running", total: Int = 10, trials: [RunSnapshot.Trial], updated: Date? = nil,
                    alive: Bool, damage: [RunSnapshot.Damage] = []) -> RunSnapshot {
        RunSnapshot(directory: "runs/a b", runStatus: status, totalTrials: total, level: level, trials: trials,
                    progressUpdated: updated, owner: .init(alive: alive, pid: 4242), damage: damage)
    }

    struct Case: Sendable, CustomStringConvertible {
        let name: String
        let snapshot: RunSnapshot
        let action: Verdict.Action
        let rule: Verdict.Rule
        let confidence: Double
        let reasonContains: [String]
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "complete, trial 3 claims → proceed",
             snapshot: run(status: "complete", trials: trials(10, claim: 3), alive: false),
             action: .proceed, rule: .completeClaim, confidence: 0.95,
             reasonContains: ["complete: 10 of 10 trials", "trial 3 claims significance", "9.5", "2.3"]),
        Case(name: "complete, nothing claims after all its trials → escalate",
             snapshot: run(status: "complete", trials: trials(10), alive: false),
             action: .escalate, rule: .completeNoClaim, confidence: 0.8,
             reasonContains: ["no trial claims significance", "best: trial 0"]),
        Case(name: "complete, every trial failed → escalate",
             snapshot: run(status: "complete", trials: trials(10, failed: true), alive: false),
             action: .escalate, rule: .completeNoClaim, confidence: 0.8, reasonContains: ["all pruned or failed"]),
        Case(name: "running, updated a minute ago, no claim → wait",
             snapshot: run(trials: trials(4), updated: now.addingTimeInterval(-60), alive: true),
             action: .wait, rule: .running, confidence: 0.6, reasonContains: ["4 of 10 trials", "6 to go", "no claim yet"]),
        Case(name: "running, a claim already → wait, more confident",
             snapshot: run(trials: trials(4, claim: 2), updated: now.addingTimeInterval(-60), alive: true),
             action: .wait, rule: .runningClaim, confidence: 0.8, reasonContains: ["trial 2 already claims significance"]),
        Case(name: "running, before its first trial, started a minute ago → wait",
             snapshot: run(trials: [], updated: now.addingTimeInterval(-60), alive: true),
             action: .wait, rule: .running, confidence: 0.6, reasonContains: ["no complete trial yet"]),
        Case(name: "running, quiet for 4 minutes after 10 s trials (allowed 3 min) → escalate",
             snapshot: run(trials: trials(4, lastAt: now.addingTimeInterval(-240)), updated: now.addingTimeInterval(-240), alive: true),
             action: .escalate, rule: .stale, confidence: 0.7, reasonContains: ["nothing changed for 4.0 min", "3.0 min"]),
        Case(name: "running, quiet for 4 minutes after 100 s trials (allowed 3 × 100 s) → wait",
             snapshot: run(trials: trials(4, seconds: 100, lastAt: now.addingTimeInterval(-240)),
                           updated: now.addingTimeInterval(-240), alive: true),
             action: .wait, rule: .running, confidence: 0.6, reasonContains: ["running"]),
        Case(name: "running, quiet for 6 minutes after 100 s trials → escalate",
             snapshot: run(trials: trials(4, seconds: 100, lastAt: now.addingTimeInterval(-360)),
                           updated: now.addingTimeInterval(-360), alive: true),
             action: .escalate, rule: .stale, confidence: 0.7, reasonContains: ["6.0 min", "5.0 min"]),
        Case(name: "process gone, run.json says running → retry with the resume command",
             snapshot: run(trials: trials(4), updated: now.addingTimeInterval(-10), alive: false),
             action: .retry, rule: .killed, confidence: 0.8,
             reasonContains: ["process (4242) is gone", "4 of 10 trials", "`optimize resume 'runs/a b'`"]),
        Case(name: "every trial recorded, the process gone before run.json said complete → retry, not proceed",
             snapshot: run(trials: trials(10, claim: 3), updated: now.addingTimeInterval(-10), alive: false),
             action: .retry, rule: .killed, confidence: 0.8,
             reasonContains: ["all 10 trials are recorded but its files were never finished", "`optimize resume 'runs/a b'`"]),
        Case(name: "every trial recorded, its process still writing the last files → wait",
             snapshot: run(trials: trials(10, claim: 3), updated: now.addingTimeInterval(-1), alive: true),
             action: .wait, rule: .runningClaim, confidence: 0.8, reasonContains: ["10 of 10 trials, 0 to go"]),
        Case(name: "stopped on request → retry with the resume command",
             snapshot: run(status: "interrupted", trials: trials(4), updated: now.addingTimeInterval(-3600), alive: false),
             action: .retry, rule: .interrupted, confidence: 0.9, reasonContains: ["stopped on request after 4 of 10 trials"]),
        Case(name: "a damaged file → escalate, naming it, even when complete",
             snapshot: run(status: "complete", trials: trials(10, claim: 3), alive: false,
                           damage: [.init(file: "trials.journal", problem: "line 3: bad checksum"), .init(file: "best.json", problem: "x")]),
             action: .escalate, rule: .damaged, confidence: 1.0,
             reasonContains: ["trials.journal is damaged or unreadable: line 3: bad checksum", "(and 1 more)"]),
    ]

    @Test("each rule gives its action, confidence and reason", arguments: cases)
    func rule(_ c: Case) {
        let verdict = Watcher.verdict(c.snapshot, now: Self.now)
        #expect(verdict.action == c.action, "\(verdict.reason)")
        #expect(verdict.rule == c.rule)
        #expect(verdict.confidence == c.confidence)
        for text in c.reasonContains { #expect(verdict.reason.contains(text), "\(verdict.reason) lacks \(text)") }
        #expect(!verdict.reason.contains("\n"))
        #expect((verdict.command != nil) == (verdict.action == .retry))
        if verdict.action == .retry { #expect(verdict.command == "optimize resume 'runs/a b'") }
    }

    @Test("the rules are data: a staleness factor or minimum changes the verdict, confidences come from the table")
    func rulesChangeVerdicts() throws {
        let quiet = Self.run(trials: Self.trials(4, seconds: 100, lastAt: Self.now.addingTimeInterval(-360)),
                             updated: Self.now.addingTimeInterval(-360), alive: true)
        #expect(Watcher.verdict(quiet, now: Self.now).action == .escalate)
        var patient = WatcherRules.defaults
        patient.stalenessFactor = 5
        #expect(Watcher.verdict(quiet, now: Self.now, rules: patient).action == .wait)
        #expect(Watcher.staleAfter(quiet, rules: patient) == 500)
        var strict = WatcherRules.defaults
        strict.minimumStalenessSeconds = 30
        strict.stalenessFactor = 1
        let fresh = Self.run(trials: Self.trials(4, lastAt: Self.now.addingTimeInterval(-60)), updated: Self.now.addingTimeInterval(-60),
                             alive: true)
        #expect(Watcher.verdict(fresh, now: Self.now).action == .wait)
        #expect(Watcher.verdict(fresh, now: Self.now, rules: strict).rule == .stale)
        var confident = WatcherRules.defaults
        confident.proceedConfidence = 0.5
        let done = Self.run(status: "complete", trials: Self.trials(10, claim: 1), alive: false)
        #expect(Watcher.verdict(done, now: Self.now, rules: confident).confidence == 0.5)
        // Only the last `recent_trials` trials count: an old slow trial does not excuse a stall.
        var slowFirst = Self.trials(12, seconds: 10, lastAt: Self.now.addingTimeInterval(-240))
        slowFirst[0].seconds = 1000
        let stalled = Self.run(total: 20, trials: slowFirst, updated: Self.now.addingTimeInterval(-240), alive: true)
        #expect(Watcher.verdict(stalled, now: Self.now).rule == .stale)
        var longMemory = WatcherRules.defaults
        longMemory.recentTrials = 12
        #expect(Watcher.verdict(stalled, now: Self.now, rules: longMemory).rule == .running)
    }

    @Test("rules files: fields override the defaults; unknown fields, wrong types and values out of range are refused, naming the field")
    func rulesFiles() throws {
        let rules = try WatcherRules.parse(try JSONReader.parse(#"{"staleness_factor": 5, "recent_trials": 3}"#), source: "r.json")
        #expect(rules.stalenessFactor == 5 && rules.recentTrials == 3)
        #expect(rules.minimumStalenessSeconds == 180 && rules.proceedConfidence == 0.95)
        #expect(try WatcherRules.parse(.object([]), source: "r.json") == .defaults)
        let bad: [(String, String, String)] = [
            (#"{"stalenes_factor": 5}"#, "r.json: stalenes_factor", "is not a watcher rule"),
            (#"{"proceed_confidence": 1.5}"#, "r.json: proceed_confidence", "outside 0…1"),
            (#"{"staleness_factor": "5"}"#, "r.json: staleness_factor", "not a number"),
            (#"{"staleness_factor": 0.5}"#, "r.json: staleness_factor", "below 1"),
            (#"{"recent_trials": 0}"#, "r.json: recent_trials", "not a whole number"),
            (#"{"minimum_staleness_seconds": -1}"#, "r.json: minimum_staleness_seconds", "outside"),
            ("[1]", "r.json", "not a JSON object"),
        ]
        for (text, source, problem) in bad {
            let json = try JSONReader.parse(text)
            let error = #expect(throws: InputError.self) { _ = try WatcherRules.parse(json, source: "r.json") }
            #expect(error?.kind == .invalidRules, "\(text)")
            #expect(error?.source == source, "\(text)")
            #expect(error?.problem.contains(problem) == true, "\(text): \(String(describing: error))")
            #expect(error?.fix.isEmpty == false)
        }
        // The JSON of the rules lists every field, and reads back as the same rules.
        let json = WatcherRules.defaults.json
        #expect(json.members?.map(\.key) == WatcherRules.fieldNames)
        #expect(try WatcherRules.parse(json, source: "r.json") == .defaults)
    }

    @Test("replay: one verdict per finished trial, at the time it finished; the last one of a complete run decides")
    func replay() {
        let done = Self.run(status: "complete", total: 5, trials: Self.trials(5, claim: 3), alive: false)
        let lines = Watcher.replay(done, now: Self.now)
        #expect(lines.map(\.trial) == [0, 1, 2, 3, 4])
        #expect(lines.map(\.verdict.rule) == [.running, .running, .running, .runningClaim, .completeClaim])
        #expect(lines.map(\.at) == done.trials.map(\.finished))
        let none = Self.run(status: "complete", total: 3, trials: Self.trials(3), alive: false)
        #expect(Watcher.replay(none, now: Self.now).last?.verdict.action == .escalate)
    }

    @Test("a directory that is not a run is bad input, not a verdict")
    func notARun() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("watcher-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(throws: InputError.self) { _ = try RunSnapshot.read(directory: directory.path) }
        #expect(throws: InputError.self) { _ = try RunSnapshot.read(directory: directory.path + "/missing") }
        #expect(RunSnapshot.owner(of: directory.path) == .init(alive: false, pid: nil))
    }
}
