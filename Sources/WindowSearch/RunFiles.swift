import Foundation
import Sieve

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The names of a run directory's files.
public enum RunFiles {
    public static let run = RunFile.fileName
    public static let study = "study"
    public static let journal = "trials.journal"
    public static let timings = TrialTiming.fileName
    public static let best = BestFile.fileName
    public static let progress = ProgressFile.fileName
    public static let log = "search.log"
    public static let lock = DirectoryLock.run
    public static let trials = "trials"
    /// The reference's best-so-far file, kept live (docs/operations.md §1); `optimize export` writes the same.
    public static let windowConfig = "optimal_window_config.json"
    /// The best trial's bidirectional survivors, replaced when a trial becomes the best.
    public static let bestSurvivors = "bidirectional_survivors.json"
    /// In a trial's directory: its record, as the journal holds it.
    public static let trialRecord = "trial.json"
    /// In a trial's directory: its lines of the run's log.
    public static let trialLog = "trial.log"

    /// A trial's sweep directory, relative to the run: `trials/00017`.
    public static func trialDirectory(_ trial: Int) -> String {
        let digits = String(trial)
        return trials + "/" + String(repeating: "0", count: max(0, 5 - digits.count)) + digits
    }

    /// Whether a file name is a temporary file left by an atomic write that was interrupted.
    static func isTemporary(_ name: String) -> Bool {
        FileIO.isTemporaryName(name)
    }

    /// Removes the temporary files an interrupted atomic write left in `directory`.
    static func removeTemporaries(in directory: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names where isTemporary(name) {
            try? FileManager.default.removeItem(atPath: (directory as NSString).appendingPathComponent(name))
        }
    }

    /// Whether `directory` holds nothing but such temporary files and a lock file (a search killed
    /// before it wrote run.json), each a regular file: a symlink planted under one of those names
    /// makes it not empty.
    static func isEffectivelyEmpty(_ directory: String) -> Bool {
        DirectoryLock.isEffectivelyEmpty(FilePath(directory), lockName: lock)
    }
}
