import Foundation
import Sieve
import WindowSearch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension SharedSearch {
    /// Runs `body` on the search written out as a run directory (``writeRunDirectory(at:)``) in a
    /// private temporary directory, removed afterwards.
    public func withRunDirectory<T>(_ body: (String) throws -> T) throws -> T {
        var template = Array((NSTemporaryDirectory() as NSString).appendingPathComponent("optimize-shared-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw InputError(.unwritableFile, source: NSTemporaryDirectory(), problem: "no temporary directory could be made",
                             fix: "set TMPDIR to a writable directory")
        }
        let directory = String(cString: made)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try writeRunDirectory(at: directory)
        return try body(directory)
    }

    /// The search as the watcher and the monitor see a run: read from its run directory
    /// (``withRunDirectory(_:)``), named `URL#NAME`, alive while any worker holds a live lease,
    /// with the lowest running trial as the one in progress.
    public func snapshot() throws -> RunSnapshot {
        let rows = try store.rows()
        var snapshot = try withRunDirectory { directory in try RunSnapshot.read(directory: directory) }
        snapshot.directory = source
        let running = rows.filter { $0.trial.state == .running }
        let live = running.filter { !$0.leaseExpired && $0.leaseExpires != nil }
        snapshot.owner = RunSnapshot.Owner(alive: !live.isEmpty, pid: nil)
        let latest = rows.compactMap { $0.trial.finishedAt ?? $0.trial.askedAt }.max()
        // A live lease was renewed within its last quarter: the workers are at work now.
        snapshot.progressUpdated = live.isEmpty ? latest : Date()
        if let current = running.first {
            var progress = snapshot.live ?? RunSnapshot.Live()
            progress.currentTrial = current.trial.number
            progress.currentSeconds = current.secondsSinceAsked
            if let text = current.progress, let json = try? JSONReader.parse(Array(text.utf8)) {
                progress.seedsSwept = json["seeds_swept"]?.string.flatMap(Double.init)
                progress.seedsTotal = json["seeds_total"]?.string.flatMap(Double.init)
                progress.seedsPerSecond = json["seeds_per_second"]?.number
            }
            snapshot.live = progress
        }
        return snapshot
    }
}
