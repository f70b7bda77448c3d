import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Every command that writes a directory holds its lock while it writes (a second writer exits 53
/// and changes nothing), never writes through a symlink planted in it, and every reader works on a
/// directory it cannot write.
@Suite("directory writers: one at a time, never through a symlink; readers read read-only directories", .serialized)
struct DirectoryWriterTests {
    let sieve = SieveCommandTests()
    let search = SearchCommandTests()

    // MARK: - Helpers

    /// Every file under `directory` by relative path (symlinks as "-> target"), except lock files
    /// (they hold the pid of the last writer) when `locks` is false.
    static func snapshot(_ directory: URL, locks: Bool = false) -> [String: Data] {
        var files: [String: Data] = [:]
        guard let enumerator = FileManager.default.enumerator(atPath: directory.path) else { return files }
        while let relative = enumerator.nextObject() as? String {
            if !locks && relative.hasSuffix(".lock") { continue }
            let path = directory.appendingPathComponent(relative).path
            if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path) {
                files[relative] = Data("-> \(target)".utf8)
            } else if let data = FileManager.default.contents(atPath: path) {
                files[relative] = data
            }
        }
        return files
    }

    /// Holds the exclusive lock on `path` (as a writer would) until `release()`.
    final class LockHolder {
        let descriptor: Int32
        init(_ path: URL) throws {
            descriptor = open(path.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            try #require(descriptor >= 0)
            try #require(flock(descriptor, LOCK_EX | LOCK_NB) == 0)
        }
        func release() { close(descriptor) }
    }

    /// Waits until `path` exists (at most 120 s).
    static func waitFor(_ path: URL) {
        for _ in 0..<12_000 where !FileManager.default.fileExists(atPath: path.path) { usleep(10_000) }
    }

    static func isLink(_ url: URL) -> Bool {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: url.path)) != nil
    }

    /// Replaces `directory/name` with a symlink to a copy of it (or to a new file) outside, and
    /// returns the outside file's path.
    static func plantLink(_ name: String, in directory: URL, outside: URL) throws -> URL {
        let manager = FileManager.default
        let target = outside.appendingPathComponent(name.replacingOccurrences(of: "/", with: "_"))
        let planted = directory.appendingPathComponent(name)
        if manager.fileExists(atPath: planted.path) {
            try manager.moveItem(at: planted, to: target)
        } else {
            try Data("outside\n".utf8).write(to: target)
        }
        try manager.createSymbolicLink(at: planted, withDestinationURL: target)
        return target
    }

    /// A command run on a directory with a planted symlink: it refused, naming the file, or replaced
    /// the link; the file outside is untouched either way.
    static func expectSafe(_ result: CommandResult, name: String, planted: URL, outside: URL, before: [String: Data],
                           _ location: SourceLocation = #_sourceLocation) {
        // A temporary file's name is never reused (each is made unique and exclusively): a link
        // there is never opened, and may stay.
        let temporary = name.hasPrefix(".") && name.contains(".tmp-")
        #expect(snapshot(outside.deletingLastPathComponent(), locks: true) == before, "\(name): the file outside was changed",
                sourceLocation: location)
        if result.status == 0 {
            #expect(temporary || !isLink(planted), "\(name): exit 0 and the link is still there", sourceLocation: location)
        } else {
            #expect(result.stderr.contains(name), "\(name): \(result.stderr)", sourceLocation: location)
        }
    }

    // MARK: - Two writers

    @Test("two sieves on one --out: the second exits 53 while the first writes, and the files are a solo run's")
    func concurrentSieves() throws {
        let directory = try sieve.plantedHistory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let chunked = ["--chunk-size", "100000"]
        let solo = try Optimize.run(sieve.sieveArguments(out: "solo", extra: chunked), in: directory)
        #expect(solo.status == 0, "\(solo.stderr)")
        let first = try Optimize.start(sieve.sieveArguments(out: "shared", extra: chunked), in: directory)
        Self.waitFor(directory.appendingPathComponent("shared/chunks.journal"))
        #expect(first.isRunning, "the first sieve finished before the second started: give it more seeds")
        let second = try Optimize.run(sieve.sieveArguments(out: "shared", extra: chunked), in: directory)
        #expect(second.status == 53, "\(second.stderr)")
        #expect(second.stderr.contains("another optimize process"), "\(second.stderr)")
        first.waitUntilExit()
        #expect(first.terminationStatus == 0)
        for name in ["survivors.bin", "chunks.journal", "summary.json"] {
            #expect(try sieve.file(directory, "shared", name) == sieve.file(directory, "solo", name), "\(name)")
        }
    }

    @Test("a merge into a directory another merge writes exits 53 and changes nothing; then it merges")
    func concurrentMerge() throws {
        let directory = try sieve.plantedHistory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let seeds = "1000000..<2500000"
        for i in 0..<3 {
            let shard = try Optimize.run(sieve.sieveArguments(out: "part\(i)", seeds: seeds, extra: ["--shard", "\(i)/3"]), in: directory)
            #expect(shard.status == 0, "\(shard.stderr)")
        }
        let arguments = ["merge", "part0", "part1", "part2", "--out"]
        #expect(try Optimize.run(arguments + ["solo"], in: directory).status == 0)
        let merged = directory.appendingPathComponent("merged")
        try FileManager.default.createDirectory(at: merged, withIntermediateDirectories: false)
        let holder = try LockHolder(merged.appendingPathComponent("sweep.lock"))
        let before = Self.snapshot(merged, locks: true)
        let busy = try Optimize.run(arguments + ["merged"], in: directory)
        #expect(busy.status == 53, "\(busy.stderr)")
        #expect(Self.snapshot(merged, locks: true) == before)
        holder.release()
        let done = try Optimize.run(arguments + ["merged"], in: directory)
        #expect(done.status == 0, "\(done.stderr)")
        for name in ["survivors.bin", "chunks.journal", "summary.json"] {
            #expect(try sieve.file(directory, "merged", name) == sieve.file(directory, "solo", name), "\(name)")
        }
        #expect(try Optimize.run(arguments + ["merged"], in: directory).status == 40, "a finished merge is not merged into again")
    }

    @Test("two searches (or a resume) on one run: the second exits 53 while the first runs, and the run is a solo run's")
    func concurrentSearches() throws {
        let directory = try search.setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        let solo = try Optimize.run(search.searchArguments(out: "solo", trials: 6), in: directory)
        #expect(solo.status == 0, "\(solo.stderr)")
        let first = try Optimize.start(search.searchArguments(out: "shared", trials: 6), in: directory)
        Self.waitFor(directory.appendingPathComponent("shared/trials.journal"))
        #expect(first.isRunning, "the first search finished before the second started")
        let second = try Optimize.run(search.searchArguments(out: "shared", trials: 6, extra: ["--resume"]), in: directory)
        #expect(second.status == 53, "\(second.stderr)")
        let resumed = try Optimize.run(["resume", "shared"], in: directory)
        #expect(resumed.status == 53, "\(resumed.stderr)")
        first.waitUntilExit()
        #expect(first.terminationStatus == 0)
        let shared = Self.snapshot(directory.appendingPathComponent("shared"))
        let reference = Self.snapshot(directory.appendingPathComponent("solo"))
        // Times, process ids and the log differ between any two runs; the results do not.
        func results(_ name: String) -> Bool {
            ["trials.journal", "best.json", "optimal_window_config.json", "bidirectional_survivors.json"].contains(name)
                || (name.hasPrefix("trials/")
                    && ["survivors.bin", "chunks.journal", "summary.json", "trial.json"].contains((name as NSString).lastPathComponent))
        }
        let compared = shared.keys.filter(results)
        #expect(Set(compared) == Set(reference.keys.filter(results)))
        for name in compared {
            if name.hasSuffix(".json") {
                #expect(search.maskingTimes(shared[name]!) == search.maskingTimes(reference[name]!), "\(name)")
            } else {
                #expect(shared[name] == reference[name], "\(name)")
            }
        }
    }

    @Test("study new on a study another `study new` is making exits 53 and changes nothing")
    func concurrentStudyNew() throws {
        let scratch = try Optimize.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        try Data(StudyCommandTests.space.utf8).write(to: scratch.appendingPathComponent("space.json"))
        let study = scratch.appendingPathComponent("study")
        try FileManager.default.createDirectory(at: study, withIntermediateDirectories: false)
        let holder = try LockHolder(study.appendingPathComponent("study.lock"))
        let before = Self.snapshot(study, locks: true)
        let arguments = ["study", "new", study.path, "--space", scratch.appendingPathComponent("space.json").path,
                         "--direction", "minimize", "--seed", "7"]
        let busy = try Optimize.run(arguments)
        #expect(busy.status == 53, "\(busy.stderr)")
        #expect(Self.snapshot(study, locks: true) == before)
        holder.release()
        let made = try Optimize.run(arguments)
        #expect(made.status == 0, "\(made.stderr)")
        #expect(try Optimize.run(arguments).status == 32)
    }

    @Test("migrate of a sweep or a run another process writes exits 53 and changes nothing")
    func concurrentMigrate() throws {
        let directory = try CompatibilityTests().copy()
        defer { try? FileManager.default.removeItem(at: directory) }
        for (name, lock) in [("sweep", "sweep.lock"), ("search", "run.lock")] {
            let target = directory.appendingPathComponent(name)
            let holder = try LockHolder(target.appendingPathComponent(lock))
            let before = Self.snapshot(target, locks: true)
            let busy = try Optimize.run(["migrate", name], in: directory)
            #expect(busy.status == 53, "\(name): \(busy.stderr)")
            #expect(Self.snapshot(target, locks: true) == before, "\(name)")
            holder.release()
            let done = try Optimize.run(["migrate", name], in: directory)
            #expect(done.status == 0 && done.stdout.contains("migrated"), "\(name): \(done.stderr)")
        }
    }

    // MARK: - Planted symlinks

    @Test("a sweep never writes through a symlink planted at one of its files")
    func sweepSymlinks() throws {
        let directory = try sieve.plantedHistory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let manager = FileManager.default
        let arguments = { (out: String) in self.sieve.sieveArguments(out: out, seeds: "0..<400000", extra: ["--chunk-size", "100000"]) }
        #expect(try Optimize.run(arguments("reference"), in: directory).status == 0)
        for name in ["survivors.bin", "chunks.journal", "summary.json", "sweep.json", "sweep.lock", ".summary.json.tmp-planted"] {
            // A sweep with its last step to do (the summary), the file replaced by a link to outside.
            let sweep = directory.appendingPathComponent("d" + name)
            let outside = directory.appendingPathComponent("outside-" + name)
            try manager.createDirectory(at: outside, withIntermediateDirectories: false)
            try manager.copyItem(at: directory.appendingPathComponent("reference"), to: sweep)
            if name != "summary.json" { try manager.removeItem(at: sweep.appendingPathComponent("summary.json")) }
            let target = try Self.plantLink(name, in: sweep, outside: outside)
            let before = Self.snapshot(outside, locks: true)
            let result = try Optimize.run(arguments(sweep.lastPathComponent), in: directory)
            Self.expectSafe(result, name: name, planted: sweep.appendingPathComponent(name), outside: target, before: before)
            // A new directory that holds nothing but the planted link is not an empty one.
            let fresh = directory.appendingPathComponent("fresh" + name)
            try manager.createDirectory(at: fresh, withIntermediateDirectories: false)
            try manager.createSymbolicLink(at: fresh.appendingPathComponent(name), withDestinationURL: target)
            let refused = try Optimize.run(arguments(fresh.lastPathComponent), in: directory)
            #expect(refused.status != 0, "\(name): a directory holding only a planted link was taken as empty")
            #expect(Self.snapshot(outside, locks: true) == before, "\(name)")
            #expect(Self.snapshot(fresh).keys.sorted() == [name] || name == "sweep.lock", "\(name): files were written beside the link")
        }
    }

    @Test("a search run never writes through a symlink planted at one of its files or directories")
    func searchSymlinks() throws {
        let directory = try search.setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        let manager = FileManager.default
        #expect(try Optimize.run(search.searchArguments(out: "reference", trials: 3), in: directory).status == 0)
        for name in ["run.lock", "trials.journal", "timings.journal", "search.log", "best.json", "run.json", "study",
                     "trials", "study/trials.journal", "study/study.json"] {
            let run = directory.appendingPathComponent("d" + name.replacingOccurrences(of: "/", with: "_"))
            let outside = directory.appendingPathComponent("outside-" + run.lastPathComponent)
            try manager.createDirectory(at: outside, withIntermediateDirectories: false)
            try manager.copyItem(at: directory.appendingPathComponent("reference"), to: run)
            let target = try Self.plantLink(name, in: run, outside: outside)
            let before = Self.snapshot(outside, locks: true)
            let result = try Optimize.run(["resume", run.lastPathComponent], in: directory)
            Self.expectSafe(result, name: (name as NSString).lastPathComponent, planted: run.appendingPathComponent(name),
                            outside: target, before: before)
        }
        // A directory holding only a planted run.lock is not taken for an empty one.
        let fresh = directory.appendingPathComponent("fresh")
        try manager.createDirectory(at: fresh, withIntermediateDirectories: false)
        try Data("outside\n".utf8).write(to: directory.appendingPathComponent("outside-lock"))
        try manager.createSymbolicLink(at: fresh.appendingPathComponent("run.lock"), withDestinationURL: directory.appendingPathComponent("outside-lock"))
        let refused = try Optimize.run(search.searchArguments(out: "fresh", trials: 3), in: directory)
        #expect(refused.status != 0 && refused.stderr.contains("run.lock"), "\(refused.stderr)")
        #expect(try Data(contentsOf: directory.appendingPathComponent("outside-lock")) == Data("outside\n".utf8))
        #expect(Self.snapshot(fresh, locks: true).keys.sorted() == ["run.lock"])
    }

    @Test("a study never writes through a symlink planted at one of its files")
    func studySymlinks() throws {
        let scratch = try Optimize.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let manager = FileManager.default
        let space = scratch.appendingPathComponent("space.json")
        try Data(StudyCommandTests.space.utf8).write(to: space)
        func new(_ study: URL) throws -> CommandResult {
            try Optimize.run(["study", "new", study.path, "--space", space.path, "--direction", "minimize", "--seed", "7"])
        }
        let reference = scratch.appendingPathComponent("reference")
        #expect(try new(reference).status == 0)
        #expect(try Optimize.run(["ask", reference.path]).status == 0)
        for name in ["trials.journal", "study.json", "study.lock"] {
            // An existing study: ask and tell.
            let study = scratch.appendingPathComponent("d" + name)
            let outside = scratch.appendingPathComponent("outside-" + name)
            try manager.createDirectory(at: outside, withIntermediateDirectories: false)
            try manager.copyItem(at: reference, to: study)
            let target = try Self.plantLink(name, in: study, outside: outside)
            let before = Self.snapshot(outside, locks: true)
            for arguments in [["ask", study.path], ["tell", study.path, "0", "1.5"]] {
                let result = try Optimize.run(arguments)
                #expect(Self.snapshot(outside, locks: true) == before, "\(name): \(arguments[0]) changed the file outside")
                if result.status != 0 { #expect(result.stderr.contains(name), "\(name): \(result.stderr)") }
            }
            // A new study where only the planted link is.
            let fresh = scratch.appendingPathComponent("fresh" + name)
            try manager.createDirectory(at: fresh, withIntermediateDirectories: false)
            try manager.createSymbolicLink(at: fresh.appendingPathComponent(name), withDestinationURL: target)
            let made = try new(fresh)
            Self.expectSafe(made, name: name, planted: fresh.appendingPathComponent(name), outside: target, before: before)
        }
    }

    // MARK: - Read-only inputs

    /// Makes every file and directory under `directory` immutable (even root cannot write them),
    /// runs `body`, and lifts it; nil when chattr is not available here.
    static func immutable(_ directory: URL, _ body: () throws -> Void) throws -> Bool? {
        func chattr(_ flag: String) -> Int32 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/chattr")
            process.arguments = ["-R", flag, directory.path]
            process.standardError = FileHandle.nullDevice
            guard (try? process.run()) != nil else { return -1 }
            process.waitUntilExit()
            return process.terminationStatus
        }
        guard chattr("+i") == 0 else {
            _ = chattr("-i")
            return nil
        }
        defer { _ = chattr("-i") }
        // Proof that it binds: root cannot open a file in it for writing.
        let probe = open(directory.appendingPathComponent(".probe").path, O_WRONLY | O_CREAT, 0o644)
        if probe >= 0 { close(probe) }
        #expect(probe < 0, "chattr +i did not make the directory read-only")
        try body()
        return true
    }

    @Test("survivors, summarize, export and study show read a directory they cannot write")
    func readOnlyInputs() throws {
        let directory = try search.setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try Optimize.run(sieve.sieveArguments(out: "sweep", seeds: "0..<300000"), in: directory).status == 0)
        #expect(try Optimize.run(search.searchArguments(out: "run", trials: 3), in: directory).status == 0)
        let exported = try Optimize.run(["export", "run", "--out", "writable-export"], in: directory)
        #expect(exported.status == 0, "\(exported.stderr)")
        let studyShown = try Optimize.run(["study", "show", "run/study"], in: directory)
        #expect(studyShown.status == 0, "\(studyShown.stderr)")
        let expected = [
            "survivors": try Optimize.run(["survivors", "sweep", "--format", "csv"], in: directory).stdout,
            "summarize": try Optimize.run(["summarize", "run"], in: directory).stdout,
            "show": studyShown.stdout,
        ]
        let ran = try Self.immutable(directory.appendingPathComponent("sweep")) {
            // The same file system as the sweep: if chattr binds there, it binds here.
            _ = try Self.immutable(directory.appendingPathComponent("run")) {
                let survivors = try Optimize.run(["survivors", "sweep", "--format", "csv"], in: directory)
                #expect(survivors.status == 0 && survivors.stdout == expected["survivors"], "\(survivors.stderr)")
                let summary = try Optimize.run(["summarize", "run"], in: directory)
                #expect(summary.status == 0 && summary.stdout == expected["summarize"], "\(summary.stderr)")
                let shown = try Optimize.run(["study", "show", "run/study"], in: directory)
                #expect(shown.status == 0 && shown.stdout == expected["show"], "\(shown.stderr)")
                let export = try Optimize.run(["export", "run", "--out", "export"], in: directory)
                #expect(export.status == 0, "\(export.stderr)")
                #expect(Set(try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("export").path))
                        == Set(try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("writable-export").path)))
            }
        }
        if ran == nil { print("readOnlyInputs: skipped the read-only part: chattr +i is not available on this file system") }
    }
}
