import Foundation
import Sieve
import Synchronization
import Testing
@testable import WindowSearch

/// A watcher's reads of a run whose files are being replaced (README, "Monitoring a run").
@Suite("Reading a run while it is written", .serialized)
struct RetryingReadTests {
    static let bounds = """
        {"window_size": {"low": 4, "high": 16}, "offset": {"low": 16, "high": 100},
         "skip_min": {"low": 0, "high": 3}, "skip_max": {"low": 3, "high": 10}}
        """

    @Test("10,000 reads of progress.json and best.json while a writer replaces both as fast as it can: zero errors, every read a whole file")
    func readsWhileReplaced() throws {
        let directory = try Fixture.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let historyPath = directory + "/h.json"
        try Fixture.writeHistory(try Fixture.partlyPlanted(count: 120, segment: 30..<100, family: .java_lcg, seed: 54_321,
                                                           skip: 2, noise: 0.1, randomSeed: 4), to: historyPath)
        let run = directory + "/run"
        try Fixture.search(run, historyPath: historyPath, prng: "java_lcg", seeds: SeedRange(first: 0, last: (1 << 16) - 1),
                           trials: 2, seed: 3, bounds: Self.bounds)
        let progress = try #require(FileManager.default.contents(atPath: run + "/progress.json"))
        let best = try #require(FileManager.default.contents(atPath: run + "/best.json"))
        let stop = Atomic<Bool>(false)
        let writes = Atomic<Int>(0)
        let writer = Thread {
            var count = 0
            while !stop.load(ordering: .relaxed) {
                // Each time a new updated_at, so that a read of a torn or mixed file would show.
                let text = String(decoding: progress, as: UTF8.self).replacing(
                    #/"updated_at": "[^"]*"/#, with: { _ in "\"updated_at\": \"\(Timestamp.string(Date()))\"" })
                try? AtomicFile.write(Array(text.utf8), to: FilePath(run + "/progress.json"))
                try? AtomicFile.write(Array(best), to: FilePath(run + "/best.json"))
                count += 1
                writes.store(count, ordering: .relaxed)
            }
        }
        writer.start()
        defer { stop.store(true, ordering: .relaxed) }
        var errors: [String] = []
        var missing = 0
        for _ in 0..<10_000 {
            do {
                let files = try RunSnapshot.readLiveFiles(directory: run)
                if files.progressUpdated == nil || files.best == nil { missing += 1 }
            } catch {
                errors.append("\(error)")
            }
        }
        stop.store(true, ordering: .relaxed)
        #expect(errors.isEmpty, "\(errors.count) errors, e.g. \(errors.first ?? "")")
        #expect(missing == 0)
        #expect(writes.load(ordering: .relaxed) > 100)
        // The whole snapshot reads clean too (no damage) while the files are replaced.
        #expect(try RunSnapshot.read(directory: run).damage.isEmpty)
    }

    @Test("a read is tried three times, 0.2 s apart: a file repaired in between is read; one that stays bad is reported after the third")
    func retries() throws {
        var calls = 0
        let value = try RetryingRead.attempt { () throws(InputError) -> Int in
            calls += 1
            if calls < 3 { throw InputError(.damagedOutputDirectory, source: "progress.json", problem: "torn", fix: "") }
            return 7
        }
        #expect(value == 7 && calls == 3)
        calls = 0
        let started = Date()
        #expect(throws: InputError.self) {
            try RetryingRead.attempt { () throws(InputError) -> Int in
                calls += 1
                throw InputError(.damagedOutputDirectory, source: "best.json", problem: "torn", fix: "")
            }
        }
        #expect(calls == 3)
        #expect(Date().timeIntervalSince(started) >= 0.39)
        // Files of an older version: no retry changes them.
        calls = 0
        #expect(throws: InputError.self) {
            try RetryingRead.attempt { () throws(InputError) -> Int in
                calls += 1
                throw InputError(.needsMigration, source: "trials.journal", problem: "0.1.0", fix: "")
            }
        }
        #expect(calls == 1)
    }
}
