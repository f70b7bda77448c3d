import Foundation
import Sieve
import Testing
@testable import WindowSearch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("Champions: the record, the loader (load, loadCached) and the store (promote, rollback)", .serialized)
struct ChampionTests {
    /// A champion with window `window` (9 and 12 have files of one size: a content change alone).
    static func champion(name: String = "default", window: Int = 12, trial: Int = 7) -> Champion {
        Champion(
            name: name,
            configuration: .init(
                parameters: TrialParameters(windowSize: window, offset: 40, burn: 2, skipMin: 1, skipMax: 5, forwardThreshold: "0.3",
                                            reverseThreshold: "0.25", sessions: .sessions(["midday"]), prng: "java_lcg"),
                modulus: 1000),
            origin: .init(run: "run", trial: trial, historySHA256: String(repeating: "ab", count: 32), history: "/data/h.json",
                          family: "java_lcg", seeds: "0..<131072",
                          significance: .init(observed: 1, expected: 2.5e-6, log10PValue: -5.6, level: 3, claims: true),
                          toolVersion: "0.1.0", gitCommit: nil),
            promotedAt: "2026-12-02T02:10:00.000+00:00")
    }

    func write(_ bytes: [UInt8], to path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// Sets a file's modification time (seconds since 1970).
    func setModified(_ path: String, seconds: Int) throws {
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: TimeInterval(seconds))], ofItemAtPath: path)
    }

    func inode(_ path: String) -> UInt64 {
        var info = stat()
        _ = stat(path, &info)
        return UInt64(info.st_ino)
    }

    @Test("a champion's file reads back equal; its hash covers every field; thresholds stay the decimals they were")
    func roundTrip() throws {
        let champion = Self.champion()
        let read = try Champion(bytes: champion.fileBytes, source: "c.json", expectedName: "default")
        #expect(read == champion)
        #expect(read.contentHash == champion.contentHash)
        #expect(read.configuration.parameters.forwardThreshold == "0.3")
        let json = try JSONReader.parse(champion.fileBytes)
        #expect(json["schema_version"]?.integer == 1)
        #expect(json["configuration"]?["forward_threshold"]?.number == 0.3)
        #expect(json["configuration"]?["modulus"]?.integer == 1000)
        #expect(json["origin"]?["git_commit"] == .null)
        #expect(json["content_hash"]?.string == SHA256.hexDigest(of: Array(Champion.canonicalText(champion.unhashedJSON).utf8)))
        // Another trial: another hash.
        #expect(Self.champion(trial: 8).contentHash != champion.contentHash)
        // Keys sorted, no spaces.
        #expect(Champion.canonicalText(.object([("b", .integer(1)), ("a", .object([("d", .null), ("c", .bool(true))]))]))
            == #"{"a":{"c":true,"d":null},"b":1}"#)
    }

    @Test("a missing file gives the baseline, and says so; the baseline is the reference's default sieve job")
    func missingGivesBaseline() throws {
        let directory = try Fixture.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let loaded = try ChampionLoader(directory: FilePath(directory).appending("champions")).load("default")
        #expect(loaded.isBaseline)
        #expect(loaded.champion == nil)
        #expect(loaded.source == .baseline(name: "default"))
        #expect(loaded.source.json == .object([("source", .string("baseline")), ("name", .string("default")), ("content_hash", .null)]))
        let p = loaded.configuration.parameters
        #expect(p.windowSize == 10 && p.offset == 0 && p.skipMin == 0 && p.skipMax == 16 && p.burn == 0)
        #expect(p.forwardThreshold == "0.25" && p.reverseThreshold == "0.25" && p.sessions == .all && p.prng == "xorshift32")
        #expect(loaded.configuration.modulus == 1000 && loaded.configuration.referenceMode && !loaded.configuration.fullReverse)
        let sieve = try loaded.configuration.sieveParameters()
        #expect(sieve.prng.family.name == "xorshift32" && sieve.hasReverse && sieve.skips == 0...16)
    }

    @Test("a tampered file, a wrong schema version, another name, not JSON, a bad field: errors naming the file and field, never the baseline")
    func damagedIsAnError() throws {
        let directory = try Fixture.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let loader = ChampionLoader(directory: FilePath(directory))
        let path = directory + "/default.json"
        let good = Self.champion()
        try write(good.fileBytes, to: path)
        #expect(try loader.load("default").champion == good)
        #expect(try loader.load("default").source == .file(path: path, name: "default", contentHash: good.contentHash))

        func failure(_ text: String) -> InputError? {
            do {
                try write(Array(text.utf8), to: path)
                _ = try loader.load("default")
                return nil
            } catch let error as InputError {
                return error
            } catch {
                return nil
            }
        }
        let original = String(decoding: good.fileBytes, as: UTF8.self)
        // One value changed by hand: the hash no longer matches.
        let tampered = failure(original.replacingOccurrences(of: "\"window_size\": 12", with: "\"window_size\": 13"))
        #expect(tampered?.kind == .invalidChampion)
        #expect(tampered?.source == "\(path): content_hash", "\(String(describing: tampered))")
        let version = failure(original.replacingOccurrences(of: "\"schema_version\": 1", with: "\"schema_version\": 2"))
        #expect(version?.kind == .invalidChampion && version?.source == "\(path): schema_version")
        #expect(version?.problem.contains("is 2") == true)
        let notJSON = failure(String(original.prefix(40)))
        #expect(notJSON?.kind == .invalidChampion && notJSON?.problem == "is not valid JSON")

        // Another champion's (valid) file copied here.
        try write(Self.champion(name: "other").fileBytes, to: path)
        let other = #expect(throws: InputError.self) { try loader.load("default") }
        #expect(other?.kind == .invalidChampion && other?.source == "\(path): name")

        // A valid hash over a configuration no sieve runs: the field is named.
        var bad = Self.champion()
        bad.configuration.parameters.skipMin = 9
        try write(bad.fileBytes, to: path)
        let field = #expect(throws: InputError.self) { try loader.load("default") }
        #expect(field?.kind == .invalidChampion && field?.source == "\(path): configuration.skip_max", "\(String(describing: field))")
        bad = Self.champion()
        bad.configuration.parameters.prng = "nonesuch"
        try write(bad.fileBytes, to: path)
        let family = #expect(throws: InputError.self) { try loader.load("default") }
        #expect(family?.kind == .invalidChampion && family?.source.hasPrefix("\(path): configuration.prng") == true, "\(String(describing: family))")
    }

    @Test("names that are not one file name are refused")
    func names() throws {
        for name in ["", "a/b", "..", "../x", ".hidden", "a\u{0}b", "tab\tname"] {
            #expect(throws: InputError.self, "\(name)") { try ChampionLoader.checkName(name) }
        }
        for name in ["default", "nightly-1", "v2.champion"] { try ChampionLoader.checkName(name) }
    }

    @Test("loadCached reuses the champion until the file's mtime, size or inode changes, or the file is removed")
    func cachedReloads() throws {
        let directory = try Fixture.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let loader = ChampionLoader(directory: FilePath(directory))
        let path = directory + "/default.json"

        // No file: the baseline, cached.
        var load = loader.loadCached("default")
        #expect(load.champion.isBaseline && load.reloadFailure == nil)
        #expect(!loader.loadCached("default").reloaded)

        let first = Self.champion(window: 12)
        try write(first.fileBytes, to: path)
        try setModified(path, seconds: 1_000_000)
        load = loader.loadCached("default")
        #expect(load.reloaded && load.champion.champion == first)
        #expect(!loader.loadCached("default").reloaded)

        // The same size and mtime, the same inode, other content: not seen (nothing says it changed) …
        let second = Self.champion(window: 19)
        #expect(second.fileBytes.count == first.fileBytes.count)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.write(contentsOf: Data(second.fileBytes))
        try handle.close()
        try setModified(path, seconds: 1_000_000)
        #expect(loader.loadCached("default").champion.champion == first)
        // … until the modification time changes.
        try setModified(path, seconds: 1_000_001)
        load = loader.loadCached("default")
        #expect(load.reloaded && load.champion.champion == second)

        // The size alone changes (the mtime set back).
        let third = Self.champion(window: 100)
        #expect(third.fileBytes.count != second.fileBytes.count)
        let rewrite = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try rewrite.truncate(atOffset: 0)
        try rewrite.write(contentsOf: Data(third.fileBytes))
        try rewrite.close()
        try setModified(path, seconds: 1_000_001)
        load = loader.loadCached("default")
        #expect(load.reloaded && load.champion.champion == third)

        // The inode alone changes: a file of the same size and mtime renamed over it.
        let fourth = Self.champion(window: 101)
        #expect(fourth.fileBytes.count == third.fileBytes.count)
        let before = inode(path)
        try write(fourth.fileBytes, to: directory + "/new")
        try setModified(directory + "/new", seconds: 1_000_001)
        #expect(rename(directory + "/new", path) == 0)
        #expect(inode(path) != before)
        load = loader.loadCached("default")
        #expect(load.reloaded && load.champion.champion == fourth)

        // Removed: the baseline.
        try FileManager.default.removeItem(atPath: path)
        load = loader.loadCached("default")
        #expect(load.reloaded && load.champion.isBaseline && load.reloadFailure == nil)
    }

    @Test("loadCached never swaps in a changed file that does not load: the old champion stays, the failure is reported until fixed")
    func invalidNotSwappedIn() throws {
        let directory = try Fixture.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let loader = ChampionLoader(directory: FilePath(directory))
        let path = directory + "/default.json"
        let good = Self.champion()
        try write(good.fileBytes, to: path)
        #expect(loader.loadCached("default").champion.champion == good)

        try write(Array("{\"schema_version\": 1, \"name\": ".utf8), to: path)  // torn
        var load = loader.loadCached("default")
        #expect(load.champion.champion == good && !load.reloaded)
        #expect(load.reloadFailure?.kind == .invalidChampion && load.reloadFailure?.source.hasPrefix(path) == true)
        // Reported again on the next call, not forgotten.
        #expect(loader.loadCached("default").reloadFailure?.kind == .invalidChampion)
        // `load` does not fall back either.
        #expect(throws: InputError.self) { try loader.load("default") }

        let fixed = Self.champion(window: 30)
        try write(fixed.fileBytes, to: path)
        try setModified(path, seconds: 2_000_000)
        load = loader.loadCached("default")
        #expect(load.reloaded && load.reloadFailure == nil && load.champion.champion == fixed)

        // A first call that finds a damaged file: the baseline, with the failure (never silent).
        let fresh = ChampionLoader(directory: FilePath(directory))
        try write(Array("not json".utf8), to: path)
        load = fresh.loadCached("default")
        #expect(load.champion.isBaseline && load.reloadFailure?.kind == .invalidChampion)
    }

    @Test("promote keeps the previous file as NAME.json.bak; rollback swaps them, twice undoes once; no backup is an error")
    func promoteAndRollback() throws {
        let directory = try Fixture.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let champions = FilePath(directory).appending("a/champions")
        let store = ChampionStore(directory: champions)
        let loader = ChampionLoader(directory: champions)

        #expect(throws: InputError.self) { try store.rollback("default") }
        let first = Self.champion(window: 12), second = Self.champion(window: 20)
        try FileManager.default.createDirectory(atPath: directory + "/a", withIntermediateDirectories: true)
        let one = try store.promote(first)
        #expect(one.replaced == nil)
        #expect(!FileManager.default.fileExists(atPath: champions.string + "/default.json.bak"))
        let noBackup = #expect(throws: InputError.self) { try store.rollback("default") }
        #expect(noBackup?.kind == .noChampionBackup)

        let two = try store.promote(second)
        #expect(two.replaced == .file(path: champions.string + "/default.json", name: "default", contentHash: first.contentHash))
        #expect(try loader.load("default").champion == second)
        #expect(try Champion(bytes: Array(Data(contentsOf: URL(fileURLWithPath: champions.string + "/default.json.bak"))),
                             source: "bak") == first)

        let back = try store.rollback("default")
        #expect(back.restored == first && back.displaced?.contentHash == second.contentHash)
        #expect(try loader.load("default").champion == first)
        _ = try store.rollback("default")
        #expect(try loader.load("default").champion == second)
        // No temporary file is left behind.
        let names = try FileManager.default.contentsOfDirectory(atPath: champions.string).sorted()
        #expect(names == ["champions.lock", "default.json", "default.json.bak"], "\(names)")

        // A damaged backup is never installed.
        try write(Array("{}".utf8), to: champions.string + "/default.json.bak")
        let damaged = #expect(throws: InputError.self) { try store.rollback("default") }
        #expect(damaged?.kind == .invalidChampion)
        #expect(try loader.load("default").champion == second)
    }

    @Test("a rollback killed between its renames (.NAME.json.rollback.tmp-PID, no .bak): the next rollback or promote recovers it as the backup, or removes a stale one; other files are left alone")
    func interruptedRollback() throws {
        let directory = try Fixture.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let champions = FilePath(directory).appending("champions")
        let store = ChampionStore(directory: champions)
        let loader = ChampionLoader(directory: champions)
        let first = Self.champion(window: 12), second = Self.champion(window: 20), third = Self.champion(window: 30)
        let file = champions.string + "/default.json", backup = file + ".bak"
        let parked = champions.string + "/.default.json.rollback.tmp-4242"
        func names() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: champions.string).sorted() }
        func bytes(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }

        // The state a rollback of (default.json = second, .bak = first) leaves when killed after its
        // first rename: it parked second, renamed the backup (first) over default.json, and died.
        func killedAfterFirstRename() throws {
            _ = try store.promote(first)
            _ = try store.promote(second)
            try write(second.fileBytes, to: parked)
            try write(first.fileBytes, to: file)
            try FileManager.default.removeItem(atPath: backup)
        }
        try killedAfterFirstRename()
        #expect(try store.parkedFiles("default") == [FilePath(parked)])
        #expect(try store.parkedFiles("other").isEmpty)
        // The next rollback first finishes the interrupted one (second becomes the backup), then rolls back.
        let back = try store.rollback("default")
        #expect(back.recovered == .init(backup: FilePath(parked), removed: []))
        #expect(back.restored == second && back.displaced?.contentHash == first.contentHash)
        #expect(try loader.load("default").champion == second)
        #expect(try Champion(bytes: bytes(backup), source: "bak") == first)
        #expect(try names() == ["champions.lock", "default.json", "default.json.bak"])
        #expect(try store.parkedFiles("default").isEmpty)

        // The same state, then a promotion: the parked file is recovered, then the promotion keeps
        // the current file (first) as the backup as always.
        try killedAfterFirstRename()
        let promotion = try store.promote(third)
        #expect(promotion.recovered == .init(backup: FilePath(parked), removed: []))
        #expect(promotion.replaced?.contentHash == first.contentHash)
        #expect(try loader.load("default").champion == third)
        #expect(try Champion(bytes: bytes(backup), source: "bak") == first)
        #expect(try names() == ["champions.lock", "default.json", "default.json.bak"])

        // Killed before the first rename: the parked file is a copy of default.json and the backup
        // is intact, so the parked file is stale; it is removed and the rollback proceeds.
        try write(third.fileBytes, to: parked)
        let stale = try store.rollback("default")
        #expect(stale.recovered == .init(backup: nil, removed: [FilePath(parked)]))
        #expect(stale.restored == first)
        #expect(try loader.load("default").champion == first)
        #expect(try Champion(bytes: bytes(backup), source: "bak") == third)
        #expect(try names() == ["champions.lock", "default.json", "default.json.bak"])

        // Several parked files (only versions without this recovery can leave more than one) and no
        // backup: the newest is what the latest interrupted rollback displaced; the others are removed.
        // State now: default.json = first, .bak = third.
        let older = champions.string + "/.default.json.rollback.tmp-1", newer = champions.string + "/.default.json.rollback.tmp-2"
        try write(second.fileBytes, to: older)
        try setModified(older, seconds: 1_700_000_000)
        try write(third.fileBytes, to: newer)
        try setModified(newer, seconds: 1_700_000_100)
        try FileManager.default.removeItem(atPath: backup)
        #expect(try store.parkedFiles("default") == [FilePath(older), FilePath(newer)])
        let several = try store.rollback("default")
        #expect(several.recovered == .init(backup: FilePath(newer), removed: [FilePath(older)]))
        #expect(several.restored == third)
        #expect(try loader.load("default").champion == third)
        #expect(try Champion(bytes: bytes(backup), source: "bak") == first)
        #expect(try names() == ["champions.lock", "default.json", "default.json.bak"])

        // Only regular files named exactly .NAME.json.rollback.tmp-DIGITS are touched: not a symlink
        // (nor what it points at), a directory, another suffix, or another champion's file.
        try write(Array("precious".utf8), to: directory + "/target")
        let link = champions.string + "/.default.json.rollback.tmp-7"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: directory + "/target")
        try FileManager.default.createDirectory(atPath: champions.string + "/.default.json.rollback.tmp-8", withIntermediateDirectories: false)
        for other in [".default.json.rollback.tmp-", ".default.json.rollback.tmp-9x", ".other.json.rollback.tmp-9", "default.json.rollback.tmp-9"] {
            try write(Array("x".utf8), to: champions.string + "/" + other)
        }
        let before = try names()
        #expect(try store.parkedFiles("default").isEmpty)
        let untouched = try store.rollback("default")
        #expect(untouched.recovered == nil)
        #expect(try names() == before)
        #expect(try String(contentsOfFile: directory + "/target", encoding: .utf8) == "precious")
    }

    @Test("promote never writes through a symlink at NAME.json or at the directory")
    func symlinks() throws {
        let directory = try Fixture.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory + "/elsewhere", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: directory + "/linked", withDestinationPath: directory + "/elsewhere")
        let linkedDirectory = #expect(throws: InputError.self) { try ChampionStore(directory: FilePath(directory + "/linked")).promote(Self.champion()) }
        #expect(linkedDirectory?.kind == .unwritableFile)

        try FileManager.default.createDirectory(atPath: directory + "/champions", withIntermediateDirectories: true)
        try write(Array("precious".utf8), to: directory + "/target")
        try FileManager.default.createSymbolicLink(atPath: directory + "/champions/default.json", withDestinationPath: directory + "/target")
        let linkedFile = #expect(throws: InputError.self) { try ChampionStore(directory: FilePath(directory + "/champions")).promote(Self.champion()) }
        #expect(linkedFile?.kind == .unwritableFile)
        #expect(try String(contentsOfFile: directory + "/target", encoding: .utf8) == "precious")
        #expect((try? FileManager.default.contentsOfDirectory(atPath: directory + "/elsewhere"))?.isEmpty == true)
    }
}
