import Foundation
import Sieve
import WindowSearch

/// What `optimize sieve` prints when a sweep is complete.
struct SieveReport {
    let directory: String
    let plan: SievePlan
    let history: DrawHistory
    let seeds: SeedRange
    let shard: (index: Int, count: Int)?
    let summary: SweepSummary
    let seconds: Double
    let seedsThisRun: UInt128
    /// The backend this run used ("cpu", "metal", "metal (emulated)"); a resumed sweep may have
    /// used others before (results are the same on every backend).
    var backend = "cpu"
    /// The champion the configuration came from (`optimize sieve --champion`); nil when the
    /// options gave it. Recorded as `champion` (docs/operations.md §3).
    var champion: ChampionSource?

    static let survivorLimit = 10_000

    /// Survivors of the strictest test that ran: bidirectional with a reverse test, else forward.
    var listsBidirectional: Bool { plan.parameters.hasReverse }

    func listedSurvivors() throws -> (records: [SurvivorRecord], total: Int) {
        var records: [SurvivorRecord] = []
        var total = 0
        try SweepContents(directory: directory).forEach { record in
            let listed = listsBidirectional ? record.passed.contains(.bidirectional) : record.passed.contains(.forward)
            if listed {
                total += 1
                if records.count < Self.survivorLimit { records.append(record) }
            }
            return true
        }
        return (records, total)
    }

    /// `{"seed", "skip", "forward_matches", "reverse_matches"}` for one listed survivor.
    func entry(_ r: SurvivorRecord) -> [(key: String, value: JSONValue)] {
        if listsBidirectional && !plan.parameters.referenceMode {
            return [("seed", .uint64(r.seed)), ("skip", .integer(Int(r.bidirectionalSkip))),
                    ("forward_matches", .integer(Int(r.bidirectionalForward))),
                    ("reverse_matches", .integer(Int(r.bidirectionalReverse)))]
        }
        return [("seed", .uint64(r.seed)), ("skip", .integer(Int(r.forwardSkip))),
                ("forward_matches", .integer(Int(r.forwardMatches))),
                ("reverse_matches", listsBidirectional ? .integer(Int(r.reverseMatches)) : .null)]
    }

    /// The sieve's effective parameters (``EffectiveSieveParameters``, as the sweep records them),
    /// with the seeds, the strategy, the backend, the history and the shard.
    func parametersJSON() throws(InputError) -> JSONValue {
        let effective = try JSONValueEncoder(keys: .snakeCase).encode(EffectiveSieveParameters(plan: plan))
        var members = effective.members ?? []
        members += [
            ("seeds", .string(seeds.description)),
            ("strategy", .string(plan.strategy.rawValue)),
            ("backend", .string(backend)),
            ("history", .object([
                ("file", .string(history.source)), ("sha256", .string(history.checksum)), ("format", .string(history.format.rawValue)),
                ("order", .string(history.order.rawValue)), ("draws", .integer(history.count)),
                ("sessions", history.sessions.map { .array($0.map { .string($0) }) } ?? .null),
                ("dropped_by_session_filter", .integer(history.droppedBySessionFilter)),
            ])),
        ]
        if let shard, let range = seeds.shard(shard.index, of: shard.count) {
            members.append(("shard", .object([("index", .integer(shard.index)), ("count", .integer(shard.count)),
                                              ("seeds", .string(range.description))])))
        } else {
            members.append(("shard", .null))
        }
        return .object(members)
    }

    /// The chance expectation as expected counts over the sweep's seeds, with their errors and
    /// what the calibration sample kept.
    func chanceJSON() -> JSONValue {
        let c = summary.chance
        var members: [(key: String, value: JSONValue)] = [("model", .string(c.model.rawValue)), ("reason", .string(c.reason))]
        for test in ChanceExpectation.Test.allCases {
            members.append((test.rawValue, .number(c.expected(test))))
            members.append((test.rawValue + "_error", .number(c.expectedError(test))))
        }
        members.append(("sample_size", c.sampleSize.map { .integer($0) } ?? .null))
        let counts = ChanceExpectation.Test.allCases.compactMap { test in c.estimate(test)?.sampleCount.map { (test.rawValue, JSONValue.integer($0)) } }
        members.append(("sample_survivors", counts.isEmpty ? .null : .object(counts)))
        return .object(members)
    }

    func json() throws -> String {
        let (records, total) = try listedSurvivors()
        let document: JSONValue = .object([
            ("status", .string("complete")),
            ("directory", .string(directory)),
        ] + (champion.map { [("champion", $0.json)] } ?? []) + [
            ("parameters", try parametersJSON()),
            ("counts", .object([
                ("seeds", .string(summary.seeds)), ("forward", .integer(summary.forward)),
                ("reverse", summary.reverse.map { .integer($0) } ?? .null),
                ("bidirectional", summary.bidirectional.map { .integer($0) } ?? .null),
            ])),
            ("chance", chanceJSON()),
            ("survivors_kind", .string(listsBidirectional ? "bidirectional" : "forward")),
            ("survivors_total", .integer(total)),
            ("survivors_truncated", .bool(total > records.count)),
            ("survivors", .array(records.map { .object(entry($0)) })),
            ("seconds", .number(seconds)),
            ("seeds_per_second_this_run", .number(seconds > 0 ? Double(seedsThisRun) / seconds : 0)),
        ])
        return document.prettyText
    }

    func text() throws -> String {
        let c = summary.chance
        func line(_ name: String, _ test: ChanceExpectation.Test, _ observed: Int?) -> String? {
            let expected = c.expected(test), error = c.expectedError(test)
            guard let observed, let expected else { return nil }
            var chance = String(format: "%.4g", expected)
            if let sample = c.sampleSize, c.estimate(test)?.sampleSawNone == true, let error {
                chance += String(format: ", analytic; none in the %d-seed sample: below %.3g at 95 %%", sample, error)
            } else if let error {
                chance += String(format: " ± %.3g", error)
            }
            return "  \(name): \(observed)  (chance: \(chance))"
        }
        var lines = ["\(plan.parameters.prng) over \(seeds)\(shard.map { " (shard \($0.index)/\($0.count))" } ?? ""): \(summary.seeds) seeds in \(directory)"]
        lines += [
            line("forward survivors", .forward, summary.forward),
            line("reverse survivors", .reverse, summary.reverse),
            line("bidirectional survivors", .bidirectional, summary.bidirectional),
        ].compactMap { $0 }
        lines.append("  chance model: \(c.model.rawValue) (\(c.reason))")
        lines.append("  backend: \(backend)")
        if let champion { lines.append("  champion: \(champion)") }
        let (records, total) = try listedSurvivors()
        if total > 0 {
            lines.append("  \(listsBidirectional ? "bidirectional" : "forward") survivors\(total > 20 ? " (first 20 of \(total))" : ""):")
            for r in records.prefix(20) {
                let e = entry(r)
                func value(_ key: String) -> String { e.first { $0.key == key }?.value.text ?? "-" }
                lines.append("    seed \(value("seed"))  skip \(value("skip"))  forward \(value("forward_matches"))  reverse \(value("reverse_matches"))")
            }
        }
        lines.append("  export: optimize survivors \(directory) --format json")
        return lines.joined(separator: "\n")
    }
}
