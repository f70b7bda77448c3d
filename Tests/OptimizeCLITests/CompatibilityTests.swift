import Foundation
import Testing

/// Files written by optimize 0.1.0 (commit e42d2af; `Scripts/compat/make-fixtures-0.1.0.sh` made
/// `Tests/Fixtures/0.1.0`), read by today's tool: as they are where the format did not change, and
/// after `optimize migrate` where it did (the sweep journal's line format).
@Suite("files of version 0.1.0 are read, or refused with the migrate hint and read after it")
struct CompatibilityTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/0.1.0").standardizedFileURL

    /// A scratch copy of the fixtures (tests change them).
    func copy() throws -> URL {
        let directory = try Optimize.scratchDirectory()
        for name in try FileManager.default.contentsOfDirectory(atPath: Self.fixtures.path) {
            try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent(name), to: directory.appendingPathComponent(name))
        }
        return directory
    }

    @Test("a 0.1.0 sweep: its journal is refused with status 43 and the migrate hint; after migrate it exports and its sieve command reports it complete")
    func sweep() throws {
        let directory = try copy()
        defer { try? FileManager.default.removeItem(at: directory) }
        let before = try Data(contentsOf: directory.appendingPathComponent("sweep/chunks.journal"))
        let refused = try Optimize.run(["survivors", "sweep", "--format", "csv"], in: directory)
        #expect(refused.status == 43, "\(refused.stderr)")
        #expect(refused.stderr.contains("chunks.journal: line 1") && refused.stderr.contains("optimize migrate"), "\(refused.stderr)")
        #expect(try Data(contentsOf: directory.appendingPathComponent("sweep/chunks.journal")) == before, "a refusal changes nothing")

        let migrated = try Optimize.run(["migrate", "sweep"], in: directory)
        #expect(migrated.status == 0, "\(migrated.stderr)")
        #expect(migrated.stdout.contains("migrated") && migrated.stdout.contains("chunks.journal"))
        let again = try Optimize.run(["migrate", "sweep"], in: directory)
        #expect(again.status == 0 && again.stdout.contains("nothing to migrate"), "\(again.stdout)")

        let exported = try Optimize.run(["survivors", "sweep", "--format", "csv"], in: directory)
        #expect(exported.status == 0, "\(exported.stderr)")
        #expect(exported.stdout.contains("3141592,"), "the planted seed: \(exported.stdout)")
        // The same command that made the sweep finds it complete and reports the same counts.
        let rerun = try Optimize.run([
            "sieve", "--draws", "history.json", "--prng", "java_lcg", "--window", "30", "--offset", "100", "--reverse-window", "30",
            "--skip", "0...8", "--threshold", "0.4", "--reverse-threshold", "0.4", "--seeds", "3000000..<3300000",
            "--chunk-size", "100000", "--out", "sweep", "--json",
        ], in: directory)
        #expect(rerun.status == 0, "\(rerun.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(rerun.stdout.utf8)) as? [String: Any])
        #expect((document["counts"] as? [String: Any])?["bidirectional"] as? Int == 1)
        let survivors = try #require(document["survivors"] as? [[String: Any]])
        #expect(survivors.first?["seed"] as? Int == 3_141_592)
    }

    @Test("a 0.1.0 study is read as it is: show, ask and tell continue it")
    func study() throws {
        let directory = try copy()
        defer { try? FileManager.default.removeItem(at: directory) }
        let shown = try Optimize.run(["study", "show", "study", "--json"], in: directory)
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains("1.25"), "the best value told: \(shown.stdout)")
        let asked = try Optimize.run(["ask", "study"], in: directory)
        #expect(asked.status == 0, "\(asked.stderr)")
        #expect(asked.stdout.contains("\"trial\":3") || asked.stdout.contains("\"trial\": 3"), "\(asked.stdout)")
        let told = try Optimize.run(["tell", "study", "3", "0.5"], in: directory)
        #expect(told.status == 0, "\(told.stderr)")
    }

    @Test("a 0.1.0 search run is summarised as it is; after migrate it resumes as complete")
    func search() throws {
        let directory = try copy()
        defer { try? FileManager.default.removeItem(at: directory) }
        let summary = try Optimize.run(["summarize", "search", "--json"], in: directory)
        #expect(summary.status == 0, "\(summary.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(summary.stdout.utf8)) as? [String: Any])
        #expect(document["finished_trials"] as? Int == 3)
        #expect((document["skipped_records"] as? [Any])?.isEmpty == true, "every 0.1.0 trial record reads: \(summary.stdout)")
        let migrated = try Optimize.run(["migrate", "search"], in: directory)
        #expect(migrated.status == 0, "\(migrated.stderr)")
        #expect(migrated.stdout.components(separatedBy: "migrated ").count - 1 == 3, "one journal per trial: \(migrated.stdout)")
        let resumed = try Optimize.run(["resume", "search", "--draws", "history.json"], in: directory)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("complete"), "\(resumed.stdout)")
    }
}
