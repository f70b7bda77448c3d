import ArgumentParser
import Foundation
import Sieve
import WindowSearch

/// Runs `bench`'s trial workloads: a scratch directory with the history (one per leg of a scaling
/// measurement) and a run directory per trial, removed at the end; Ctrl-C stops the trial within
/// a dispatch and exits with 130 (or 143).
final class TrialBench {
    let quick: Bool
    let seeds: UInt64?
    let json: Bool
    let scratch: URL
    let stop = SignalStop()
    private var histories: [Int: String] = [:]
    private var runs = 0

    init(quick: Bool, seeds: UInt64?, json: Bool) {
        self.quick = quick
        self.seeds = seeds
        self.json = json
        scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("optimize-bench-\(getpid())-\(UUID().uuidString.prefix(8))")
    }

    func removeScratch() {
        try? FileManager.default.removeItem(at: scratch)
    }

    /// The history of leg `leg`: the trial history for leg 0, another seed of the same generator
    /// for each further leg (so that a class table one leg sieved is not in the cache for the next).
    func history(leg: Int) throws(InputError) -> String {
        if let path = histories[leg] { return path }
        try FileIO.makeDirectories(FilePath(scratch.path))
        let path = scratch.appendingPathComponent("history-\(leg).json").path
        try TrialWorkload.writeHistory(to: path, seed: TrialWorkload.historySeed + UInt64(leg))
        histories[leg] = path
        return path
    }

    /// Runs one trial workload on `backend`, in a fresh run directory.
    func run(_ trial: TrialWorkload, backend: SieveBackend, name: String, threads: Int, leg: Int) throws -> TrialWorkload.Result {
        let count = seeds ?? (quick ? trial.quickSeeds : TrialWorkload.fullSeeds)
        let historyPath = try history(leg: leg)
        runs += 1
        let directory = scratch.appendingPathComponent("run-\(runs)-\(trial.id)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        if !json {
            StandardError.write("running \(trial.id) on \(threads) thread\(threads == 1 ? "" : "s"): \(trial.summary), "
                + "\(ProgressDisplay.count(Double(count))) seeds…")
        }
        do {
            return try trial.run(seeds: count, historyPath: historyPath, backend: backend, backendName: name, threads: threads,
                                 directory: directory, cancellation: stop.cancellation)
        } catch is SieveCancelled {
            StandardError.write("interrupted")
            throw ExitCode(stop.exitStatus)
        }
    }

    static let caption = "trial workloads: one `optimize search` trial each (window 29 at offset 89, skips 9...105, thresholds "
        + "0.36/0.22, midday, M = 1000, 18,000 random daily3-like draws, 2^18-seed chunks)"

    static let phaseNote = "phases: shares of the wall time, each counted exclusively (kernel: every dispatch, those that sieve "
        + "class tables and calibrate chance included); 2^32 seeds: measured, or ~ projected: the sweep's chunk loop "
        + "scaled by the seeds, what does not grow with them (the calibration, the run's setup, a class table sieved once) counted once"

    /// The time for 2^32 seeds: measured, or `~` and the projection.
    static func projection(_ r: TrialWorkload.Result) -> String {
        (r.seeds < TrialWorkload.fullSeeds ? "~" : "") + ProgressDisplay.duration(r.projectedSeconds)
    }

    /// What of the kernel time sieved class tables or calibrated chance, when any did.
    static func nestedLine(_ r: TrialWorkload.Result) -> String? {
        let phases = r.phases
        let tables = phases.within[.tables]?[.kernel] ?? 0
        let calibration = phases.within[.calibration]?[.kernel] ?? 0
        var parts: [String] = []
        if tables > 0 {
            let sieved = phases.callsWithInner[.tables] ?? 0
            parts.append(String(format: "%.1f%% sieving %d class table%@", tables / phases.wall * 100, sieved, sieved == 1 ? "" : "s"))
        }
        if calibration > 0 { parts.append(String(format: "%.1f%% calibrating chance", calibration / phases.wall * 100)) }
        guard !parts.isEmpty else { return nil }
        return "\(r.workload.id) (\(r.threads) thread\(r.threads == 1 ? "" : "s")): the kernel's share includes "
            + parts.joined(separator: " and ") + " (of the wall time)"
    }
}
