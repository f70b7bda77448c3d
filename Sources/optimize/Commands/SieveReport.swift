import Foundation
import Sieve

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

    static let survivorLimit = 10_000

    /// Survivors of the strictest test that ran: bidirectional with a reverse test, else forward.
    var listsBidirectional: Bool { plan.parameters.hasReverse }

    func listedSurvivors() throws -> (records: [SurvivorRecord], total: Int) {
        var records: [SurvivorRecord] = []
        var total = 0
        let path = (directory as NSString).appendingPathComponent(SieveSweep.survivorFileName)
        try SurvivorFile.forEach(path: path, length: summary.survivorBytes) { record in
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
    func entry(_ r: SurvivorRecord) -> [String: JSONOutput] {
        if listsBidirectional && !plan.parameters.referenceMode {
            return ["seed": .unsigned(r.seed), "skip": .unsigned(UInt64(r.bidirectionalSkip)),
                    "forward_matches": .unsigned(UInt64(r.bidirectionalForward)),
                    "reverse_matches": .unsigned(UInt64(r.bidirectionalReverse))]
        }
        return ["seed": .unsigned(r.seed), "skip": .unsigned(UInt64(r.forwardSkip)),
                "forward_matches": .unsigned(UInt64(r.forwardMatches)),
                "reverse_matches": listsBidirectional ? .unsigned(UInt64(r.reverseMatches)) : .null]
    }

    func parametersJSON() -> JSONOutput {
        let p = plan.parameters
        var object: [String: JSONOutput] = [
            "prng": .string(p.prng.family.name),
            "prng_parameters": .object(p.prng.parameters.mapValues { .unsigned($0) }),
            "modulus": .unsigned(p.modulus),
            "window": .int(p.window),
            "offset": .int(p.offset),
            "reverse_window": p.hasReverse ? .int(plan.reverseDraws.count) : .null,
            "skip_min": .unsigned(UInt64(p.skips.lowerBound)),
            "skip_max": .unsigned(UInt64(p.skips.upperBound)),
            "burn": .unsigned(p.burn),
            "threshold": .string(p.forwardThreshold.description),
            "forward_min_matches": .int(plan.forwardMinimum),
            "reverse_threshold": p.reverseThreshold.map { .string($0.description) } ?? .null,
            "reverse_min_matches": plan.reverseMinimum.map { .int($0) } ?? .null,
            "reverse_scope": p.hasReverse && !p.referenceMode ? .string(p.reverseScope.rawValue) : .null,
            "reference_mode": .bool(p.referenceMode),
            "seeds": .string(seeds.description),
            "strategy": .string(plan.strategy.rawValue),
            "backend": .string(backend),
            "history": .object([
                "file": .string(history.source), "sha256": .string(history.checksum), "format": .string(history.format.rawValue),
                "order": .string(history.order.rawValue), "draws": .int(history.count),
                "sessions": history.sessions.map { .array($0.map { .string($0) }) } ?? .null,
                "dropped_by_session_filter": .int(history.droppedBySessionFilter),
            ]),
        ]
        if let shard, let range = seeds.shard(shard.index, of: shard.count) {
            object["shard"] = .object(["index": .int(shard.index), "count": .int(shard.count), "seeds": .string(range.description)])
        } else {
            object["shard"] = .null
        }
        return .object(object)
    }

    func chanceJSON() -> JSONOutput {
        let c = summary.chance
        return .object([
            "model": .string(c.model.rawValue), "reason": .string(c.reason),
            "forward": .double(c.forward), "reverse": c.reverse.map { .double($0) } ?? .null,
            "bidirectional": c.bidirectional.map { .double($0) } ?? .null,
            "forward_error": c.forwardError.map { .double($0) } ?? .null,
            "reverse_error": c.reverseError.map { .double($0) } ?? .null,
            "bidirectional_error": c.bidirectionalError.map { .double($0) } ?? .null,
            "sample_size": c.sampleSize.map { .int($0) } ?? .null,
            "sample_survivors": c.sampleCounts.map { .object($0.mapValues { .int($0) }) } ?? .null,
        ])
    }

    func json() throws -> String {
        let (records, total) = try listedSurvivors()
        let document: JSONOutput = .object([
            "status": .string("complete"),
            "directory": .string(directory),
            "parameters": parametersJSON(),
            "counts": .object([
                "seeds": .string(summary.seeds), "forward": .int(summary.forward),
                "reverse": summary.reverse.map { .int($0) } ?? .null,
                "bidirectional": summary.bidirectional.map { .int($0) } ?? .null,
            ]),
            "chance": chanceJSON(),
            "survivors_kind": .string(listsBidirectional ? "bidirectional" : "forward"),
            "survivors_total": .int(total),
            "survivors_truncated": .bool(total > records.count),
            "survivors": .array(records.map { .object(entry($0)) }),
            "seconds": .double(seconds),
            "seeds_per_second_this_run": .double(seconds > 0 ? Double(seedsThisRun) / seconds : 0),
        ])
        return document.rendered()
    }

    func text() throws -> String {
        let c = summary.chance
        func line(_ name: String, _ test: String, _ observed: Int?, _ expected: Double?, _ error: Double?) -> String? {
            guard let observed, let expected else { return nil }
            var chance = String(format: "%.4g", expected)
            if let sample = c.sampleSize, c.sampleCounts?[test] == 0, let error {
                chance += String(format: ", analytic; none in the %d-seed sample: below %.3g at 95 %%", sample, error)
            } else if let error {
                chance += String(format: " ± %.3g", error)
            }
            return "  \(name): \(observed)  (chance: \(chance))"
        }
        var lines = ["\(plan.parameters.prng) over \(seeds)\(shard.map { " (shard \($0.index)/\($0.count))" } ?? ""): \(summary.seeds) seeds in \(directory)"]
        lines += [
            line("forward survivors", "forward", summary.forward, c.forward, c.forwardError),
            line("reverse survivors", "reverse", summary.reverse, c.reverse, c.reverseError),
            line("bidirectional survivors", "bidirectional", summary.bidirectional, c.bidirectional, c.bidirectionalError),
        ].compactMap { $0 }
        lines.append("  chance model: \(c.model.rawValue) (\(c.reason))")
        lines.append("  backend: \(backend)")
        let (records, total) = try listedSurvivors()
        if total > 0 {
            lines.append("  \(listsBidirectional ? "bidirectional" : "forward") survivors\(total > 20 ? " (first 20 of \(total))" : ""):")
            for r in records.prefix(20) {
                let e = entry(r)
                func value(_ key: String) -> String { e[key]?.rendered() ?? "-" }
                lines.append("    seed \(value("seed"))  skip \(value("skip"))  forward \(value("forward_matches"))  reverse \(value("reverse_matches"))")
            }
        }
        lines.append("  export: optimize survivors \(directory) --format json")
        return lines.joined(separator: "\n")
    }
}

/// JSON output with exact 64-bit integers and keys in sorted order.
indirect enum JSONOutput {
    case object([String: JSONOutput])
    case array([JSONOutput])
    case string(String)
    case int(Int)
    case unsigned(UInt64)
    case double(Double)
    case bool(Bool)
    case null

    func rendered(indent: String = "") -> String {
        switch self {
        case .object(let members):
            if members.isEmpty { return "{}" }
            let inner = indent + "  "
            let body = members.keys.sorted().map { "\(inner)\(Self.quote($0)): \(members[$0]!.rendered(indent: inner))" }
            return "{\n" + body.joined(separator: ",\n") + "\n\(indent)}"
        case .array(let elements):
            if elements.isEmpty { return "[]" }
            let inner = indent + "  "
            return "[\n" + elements.map { inner + $0.rendered(indent: inner) }.joined(separator: ",\n") + "\n\(indent)]"
        case .string(let value): return Self.quote(value)
        case .int(let value): return String(value)
        case .unsigned(let value): return String(value)
        case .double(let value): return value.isFinite ? "\(value)" : "null"
        case .bool(let value): return value ? "true" : "false"
        case .null: return "null"
        }
    }

    static func quote(_ text: String) -> String { JSONText.string(text) }
}
