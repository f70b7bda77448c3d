import Foundation
import Testing
@testable import OptimizeMetrics

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fresh metrics folder under the temporary directory, removed on deinit.
final class ScratchStore {
    let directory: URL
    let damage = DamageLog()
    var store: MetricsStore

    init(retentionDays: Int = MetricsStore.defaultRetentionDays) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("optimize-metrics-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let log = damage
        store = MetricsStore(root: FilePath(directory.path).appending("metrics"), retentionDays: retentionDays,
                             onDamage: { log.add($0) })
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    func file(_ agent: String, _ name: String = MetricsStore.executionsFile) -> String {
        store.directory(of: agent).appending(name).string
    }

    func lines(_ agent: String) throws -> [String] {
        try String(contentsOfFile: file(agent), encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }
}

/// The damage the store reported, collected across threads.
final class DamageLog: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [MetricsStore.Damage] = []

    func add(_ damage: MetricsStore.Damage) { lock.withLock { entries.append(damage) } }
    var all: [MetricsStore.Damage] { lock.withLock { entries } }
}

@Suite("the metrics store: appends, idempotency, retention, damage")
struct MetricsStoreTests {
    let now = Date(timeIntervalSince1970: 1_796_000_000)  // 2026-11-30

    func record(_ agent: String = "bench.W1", daysAgo: Double = 0, quality: Double? = 1, success: Bool = true) -> MetricsRecord {
        MetricsRecord(success: success, agent: agent, qualityScore: quality, executionTimeS: 0.5, workload: "W1", backend: "cpu",
                      timestamp: Timestamp.string(now.addingTimeInterval(-daysAgo * 86_400)))
    }

    @Test("an append writes one line with every field, and summary.json; the same key again writes nothing and returns false")
    func idempotency() throws {
        let scratch = try ScratchStore()
        #expect(try scratch.store.append(record(), idempotencyKey: "run-1/1/W1", now: now))
        let summaryBefore = try Data(contentsOf: URL(fileURLWithPath: scratch.file("bench.W1", MetricsStore.summaryFile)))
        let before = try Data(contentsOf: URL(fileURLWithPath: scratch.file("bench.W1")))
        #expect(try !scratch.store.append(record(quality: 2), idempotencyKey: "run-1/1/W1", now: now))
        #expect(try Data(contentsOf: URL(fileURLWithPath: scratch.file("bench.W1"))) == before)
        #expect(try Data(contentsOf: URL(fileURLWithPath: scratch.file("bench.W1", MetricsStore.summaryFile))) == summaryBefore)
        #expect(try scratch.store.append(record(quality: 3), idempotencyKey: "run-1/2/W1", now: now))

        let lines = try scratch.lines("bench.W1")
        #expect(lines.count == 3 && lines.last == "")  // two records, each ending in a newline
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(Set(first.keys) == ["success", "timestamp", "agent", "quality_score", "execution_time_s", "workload", "backend",
                                    "machine", "tool_version", "idempotency_key", "details"])
        #expect(first["idempotency_key"] as? String == "run-1/1/W1")
        #expect(first["tool_version"] as? String == OptimizeVersion.current)
        #expect(first["details"] is NSNull)
        let machine = try #require(first["machine"] as? [String: Any])
        #expect((machine["cores"] as? Int ?? 0) >= 1)
        #expect(machine["hostname"] as? String == ProcessInfo.processInfo.hostName)

        let summary = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: scratch.file("bench.W1", MetricsStore.summaryFile)))) as? [String: Any])
        #expect(summary["execution_count"] as? Int == 2)
        #expect(summary["avg_quality_score"] as? Double == 2)
        #expect(((summary["trend"] as? [String: Any])?["quality_score"] as? [String: Any])?["direction"] as? String == "unknown")
        #expect(scratch.store.agents() == ["bench.W1"])
        #expect(MetricsRecord.key("bench", run: "r", iteration: 3, workload: "W2") == "bench/r/3/W2")
    }

    @Test("records older than the retention are dropped by the next append and by prune, atomically; the summary follows")
    func retention() throws {
        let scratch = try ScratchStore(retentionDays: 180)
        // Written directly: a file as an append 200 days ago and 100 days ago left it.
        try FileManager.default.createDirectory(atPath: scratch.store.directory(of: "search").string, withIntermediateDirectories: true)
        let encoder = JSONValueEncoder(keys: .snakeCase)
        var old = [record("search", daysAgo: 200), record("search", daysAgo: 100), record("search", daysAgo: 10)]
        for index in old.indices { old[index].idempotencyKey = "k\(index)" }
        let text = try old.map { try encoder.encode($0).text + "\n" }.joined()
        try text.write(toFile: scratch.file("search"), atomically: false, encoding: .utf8)

        #expect(try scratch.store.append(record("search"), idempotencyKey: "new", now: now))
        #expect(try scratch.store.records(of: "search").records.map(\.idempotencyKey) == ["k1", "k2", "new"])
        // No temporary file left beside it: the rewrite was a rename.
        let names = try FileManager.default.contentsOfDirectory(atPath: scratch.store.directory(of: "search").string).sorted()
        #expect(names == [MetricsStore.executionsFile, MetricsStore.lockFile, MetricsStore.summaryFile])

        #expect(try scratch.store.prune(agent: "search", days: 30, now: now) == 1)
        #expect(try scratch.store.records(of: "search").records.map(\.idempotencyKey) == ["k2", "new"])
        let summary = try JSONReader.parse(Array(try Data(contentsOf: URL(fileURLWithPath: scratch.file("search", MetricsStore.summaryFile)))))
        #expect(summary["execution_count"]?.integer == 2)
        #expect(try scratch.store.prune(agent: "search", days: 30, now: now) == 0)
        #expect(throws: InputError.self) { try scratch.store.prune(agent: "sieve", now: now) }
        #expect(MetricsStore.defaultRetentionDays == 180)
        #expect(try MetricsStore.retention(environment: [:]) == 180)
        #expect(try MetricsStore.retention(environment: ["OPTIMIZE_METRICS_RETENTION_DAYS": "30"]) == 30)
        for bad in ["0", "-1", "ten", "1.5", "99999"] {
            #expect { try MetricsStore.checkRetention(bad, source: "--days") } throws: { ($0 as? InputError)?.kind == .invalidRetention }
        }
    }

    @Test("a damaged line is reported with its file and line number and skipped; a torn last line is cut off by the next append")
    func damagedLines() throws {
        let scratch = try ScratchStore()
        #expect(try scratch.store.append(record(quality: 1), idempotencyKey: "a", now: now))
        let good = try scratch.lines("bench.W1")[0]
        let damaged = good + "\n" + "{not json\n" + #"{"success":true}"# + "\n" + good.replacingOccurrences(of: #""a""#, with: #""b""#)
            + "\n" + #"{"success":tr"#
        try damaged.write(toFile: scratch.file("bench.W1"), atomically: false, encoding: .utf8)

        let contents = try scratch.store.records(of: "bench.W1")
        #expect(contents.records.map(\.idempotencyKey) == ["a", "b"])
        #expect(contents.damage.map(\.line) == [2, 3, 5])
        #expect(contents.damage.allSatisfy { $0.file == scratch.file("bench.W1") })
        #expect(contents.damage[0].description.hasPrefix("warning: \(scratch.file("bench.W1")): line 2: not JSON"))
        #expect(contents.damage[1].problem.contains("missing"), "\(contents.damage[1])")
        #expect(scratch.damage.all == contents.damage)

        // The next append cuts the torn line, keeps the damaged ones, and appends after them.
        #expect(try scratch.store.append(record(quality: 3), idempotencyKey: "c", now: now))
        let lines = try scratch.lines("bench.W1")
        #expect(lines.count == 6 && lines[1] == "{not json" && lines[2] == #"{"success":true}"# && lines[5] == "")
        let after = try scratch.store.records(of: "bench.W1")
        #expect(after.records.map(\.idempotencyKey) == ["a", "b", "c"])
        #expect(after.damage.map(\.line) == [2, 3])
        #expect(try scratch.store.summary(of: "bench.W1").avgQualityScore == (1 + 1 + 3) / 3)
    }

    @Test("a symlink where the agent's folder or executions.jsonl should be is refused, and nothing is written through it")
    func symlinks() throws {
        let scratch = try ScratchStore()
        let elsewhere = scratch.directory.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: scratch.store.root.string, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: scratch.store.directory(of: "sieve").string, withDestinationPath: elsewhere.path)
        #expect { try scratch.store.append(record("sieve"), idempotencyKey: "a", now: now) } throws: {
            ($0 as? InputError)?.kind == .unwritableFile && "\($0)".contains("symbolic link")
        }
        try FileManager.default.createDirectory(atPath: scratch.store.directory(of: "search").string, withIntermediateDirectories: true)
        let target = elsewhere.appendingPathComponent("target.jsonl")
        _ = FileManager.default.createFile(atPath: target.path, contents: nil)
        try FileManager.default.createSymbolicLink(atPath: scratch.file("search"), withDestinationPath: target.path)
        #expect(throws: InputError.self) { try scratch.store.append(record("search"), idempotencyKey: "a", now: now) }
        #expect(try Data(contentsOf: target).isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere.path) == ["target.jsonl"])
    }

    @Test("agent names: letters, digits, '.', '_' and '-'; anything else is refused (unknownAgent)",
          arguments: ["", "..", ".hidden", "a/b", "bench W1", String(repeating: "a", count: 101)])
    func agentNames(_ name: String) throws {
        let scratch = try ScratchStore()
        #expect { try scratch.store.append(record(name), idempotencyKey: "a", now: now) } throws: {
            ($0 as? InputError)?.kind == .unknownAgent
        }
        #expect(throws: Never.self) { try MetricsStore.checkAgentName("bench.T-java_2") }
    }

    @Test("the folder: --metrics-dir, else OPTIMIZE_METRICS_DIR (when not empty), else .optimize/metrics in the current directory")
    func location() {
        #expect(MetricsStore.locate(override: nil, environment: [:], currentDirectory: "/p") == "/p/.optimize/metrics")
        #expect(MetricsStore.locate(override: nil, environment: ["OPTIMIZE_METRICS_DIR": ""], currentDirectory: "/p") == "/p/.optimize/metrics")
        #expect(MetricsStore.locate(override: nil, environment: ["OPTIMIZE_METRICS_DIR": "m"], currentDirectory: "/p") == "/p/m")
        #expect(MetricsStore.locate(override: "/x", environment: ["OPTIMIZE_METRICS_DIR": "/m"], currentDirectory: "/p") == "/x")
    }

    @Test("appends from many threads at once lose nothing (the lock is per process too: see MetricsCommandTests)")
    func concurrentThreads() async throws {
        let scratch = try ScratchStore()
        let store = scratch.store
        let now = now
        await withTaskGroup(of: Void.self) { group in
            for writer in 0..<4 {
                group.addTask {
                    for index in 0..<25 {
                        let record = MetricsRecord(success: true, agent: "sieve", timestamp: Timestamp.string(now))
                        _ = try? store.append(record, idempotencyKey: "\(writer)-\(index % 20)", now: now)
                    }
                }
            }
        }
        let contents = try store.records(of: "sieve")
        #expect(contents.damage.isEmpty)
        #expect(contents.records.count == 80)  // 4 writers × 20 distinct keys (5 repeats each)
        #expect(try store.summary(of: "sieve").executionCount == 80)
    }
}
