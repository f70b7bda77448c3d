import Foundation
import Sieve
import Study

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes the reference's output files (docs/reference-system.md §5.8) from a run, so that tools built around
/// the reference keep working:
///
/// - `optimal_window_config.json`: best.json's fields plus the reference's final ones
///   (`completed_at`, `agent_metadata`, `run_id`);
/// - `bidirectional_survivors.json`, `forward_survivors.json`, `reverse_survivors.json`: the
///   survivors of every complete trial, one record per seed (bidirectional: the highest score
///   (f + r)/2, the older trial on ties; forward and reverse: the older trial), sorted by seed,
///   each with the reference's per-trial metadata;
/// - `train_history.json`, `holdout_history.json`: the history's draws (every session, oldest
///   first), split at ⌊0.8·N⌋.
///
/// The survivor files are merged from the trials' sorted survivor files as streams, so memory stays
/// bounded whatever their size. Where the reverse test ran only on forward survivors (the
/// default), the reverse survivors are the bidirectional ones, and `reverse_count` is their count.
public enum RunExport {
    public static let fileNames = [
        "optimal_window_config.json", "bidirectional_survivors.json", "forward_survivors.json", "reverse_survivors.json",
        "train_history.json", "holdout_history.json",
    ]

    /// Writes the files into `output` (created if needed); returns their paths.
    /// The run's history; an unreadable one at the run's own path says how to name its new place.
    static func loadHistory(_ path: String, settings: SearchSettings, moved: Bool) throws(InputError) -> DrawHistory {
        do {
            return try DrawHistory.load(path: path, format: settings.historyFormat, newestFirst: settings.newestFirst)
        } catch {
            guard error.kind == .unreadableFile, !moved else { throw error }
            throw InputError(.unreadableFile, source: path, problem: "the run's draw history cannot be read (\(error.problem))",
                             fix: "give its new place with --draws FILE")
        }
    }

    /// The history is read from `historyPath` (default: where the run found it) and must be the
    /// same file.
    @discardableResult
    public static func write(run directory: String, to output: String, historyPath: String? = nil) throws -> [String] {
        let summary = try RunSummary.load(directory: directory)
        let settings = summary.settings
        try FileIO.makeDirectories(FilePath(output))
        func path(_ name: String) -> String { (output as NSString).appendingPathComponent(name) }
        let historyFile = historyPath ?? settings.historyPath
        let history = try loadHistory(historyFile, settings: settings, moved: historyPath != nil)
        guard history.checksum == settings.historyChecksum else {
            throw InputError(.outputDirectoryMismatch, source: historyFile, problem: "differs from the history the run used",
                             fix: historyPath == nil ? "restore the run's history file" : "give the file the run used (its SHA-256 is \(settings.historyChecksum))")
        }
        let shape = HistoryShape(history: history)

        // optimal_window_config.json: as the run keeps it, as of its last finished trial.
        let created = try RunFile.read(directory: directory).created
        let lastTime = try TrialTiming.read(directory: FilePath(directory)).last?.finished ?? created
        let config = try windowConfig(settings: settings, shape: shape, outcomes: summary.outcomes, created: created,
                                      lastUpdated: Timestamp.withOffset(lastTime), injected: Timestamp.withOffset(Date()))
        try AtomicFile.write(config.fileBytes, to: FilePath(path("optimal_window_config.json")))

        // The survivor files.
        let trials = summary.outcomes.filter { $0.state == .complete && $0.survivorFile != nil }
        for (name, kind) in [("bidirectional_survivors.json", Kind.bidirectional), ("forward_survivors.json", .forward),
                             ("reverse_survivors.json", .reverse)] {
            try writeSurvivors(run: directory, settings: settings, trials: trials, shape: shape, to: path(name), kind: kind)
        }

        // train_history.json and holdout_history.json.
        let draws = history.entries.map { JSONValue.uint64($0.value) }
        let split = Int(0.8 * Double(draws.count))
        try AtomicFile.write(JSONValue.array(Array(draws[..<split])).fileBytes, to: FilePath(path("train_history.json")))
        try AtomicFile.write(JSONValue.array(Array(draws[split...])).fileBytes, to: FilePath(path("holdout_history.json")))
        return fileNames.map(path)
    }

    /// The content of `optimal_window_config.json` after `outcomes`: best.json's fields (with
    /// `last_updated`), and the reference's final ones: `completed_at` once every trial has
    /// finished, `agent_metadata` once a trial succeeded (`timestamp_injected`: `injected`), and
    /// `run_id` (from the run's creation time and sampler seed). The one place this content is
    /// made: `optimize export` and the run's live copy (``SearchRun``) both write it.
    ///
    /// - Parameters:
    ///   - created: run.json's `created`.
    ///   - lastUpdated, injected: ISO-8601 times with their offset (`Timestamp.withOffset`).
    public static func windowConfig(settings: SearchSettings, shape: HistoryShape, outcomes: [TrialOutcome], created: String,
                                    lastUpdated: String, injected: String) throws(InputError) -> JSONValue {
        var config = try BestFile(settings: settings, shape: shape, outcomes: outcomes, lastUpdated: lastUpdated).json()
        if outcomes.count >= settings.trials { config = config.setting("completed_at", .string(lastUpdated)) }
        if let best = SearchRun.best(of: outcomes) {
            let claims = best.significance?.claims ?? false
            config = config.setting("agent_metadata", .object([
                ("inputs", .array([.object([("file", .string(settings.historyFile)), ("required", .bool(true))])])),
                ("outputs", .array(["optimal_window_config.json", "bidirectional_survivors.json", "train_history.json",
                                    "holdout_history.json"].map { .string($0) })),
                ("parent_run_id", .null),
                ("pipeline_step", .integer(1)),
                ("pipeline_step_name", .string("window_optimizer")),
                ("follow_up_agent", .string("scorer_meta_agent")),
                ("confidence", .double(claims ? 0.95 : 0.5)),
                ("suggested_params", .object([
                    ("window_size", .integer(best.parameters.windowSize)),
                    ("forward_threshold", .double(Double(best.parameters.forwardThreshold) ?? 0)),
                    ("reverse_threshold", .double(Double(best.parameters.reverseThreshold) ?? 0)),
                    ("k_folds", .integer(5)),
                ])),
                ("reasoning", .string(claims
                    ? "trial \(best.trial) claims significance: its bidirectional survivors exceed chance beyond the run's level"
                    : "no trial claims significance; trial \(best.trial) scored best")),
                ("timestamp_injected", .string(injected)),
            ]))
        }
        let stamp = created.prefix(19).replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "")
            .replacingOccurrences(of: "T", with: "_")
        return config.setting("run_id", .string("step1_\(stamp)_\(String(format: "%05d", Int(settings.samplerSeed % 100_000)))"))
    }

    enum Kind {
        case forward, reverse, bidirectional
    }

    /// The reference's per-trial metadata of a survivor record.
    static func metadata(_ outcome: TrialOutcome, settings: SearchSettings, shape: HistoryShape) -> [(key: String, value: JSONValue)] {
        let p = outcome.parameters
        let f = outcome.counts?.forward ?? 0
        let b = outcome.counts?.bidirectional ?? 0
        let r = outcome.counts?.reverse ?? b
        let union = max(1, f + r - b)
        let sessions = p.sessions.names ?? shape.sessionCounts.map(\.name)
        return [
            ("window_size", .integer(p.windowSize)), ("offset", .integer(p.offset)),
            ("skip_min", .integer(p.skipMin)), ("skip_max", .integer(p.skipMax)), ("skip_range", .integer(p.skipMax - p.skipMin)),
            ("sessions", .array(sessions.map { .string($0) })), ("trial_number", .integer(outcome.trial)),
            ("prng_base", .string(p.prng)), ("skip_mode", .string("constant")), ("prng_type", .string(p.prng)),
            ("forward_count", .integer(f)), ("reverse_count", .integer(r)), ("bidirectional_count", .integer(b)),
            ("intersection_count", .integer(b)), ("intersection_ratio", .double(Double(b) / Double(union))),
            ("forward_only_count", .integer(max(0, f - b))), ("reverse_only_count", .integer(max(0, r - b))),
            ("survivor_overlap_ratio", .double(Double(b) / Double(max(1, f)))),
            ("bidirectional_selectivity", .double(Double(f) / Double(max(1, r)))),
            ("intersection_weight", .double(Double(b) / Double(max(1, f + r)))),
            ("burn", .integer(p.burn)), ("forward_threshold", .double(Double(p.forwardThreshold) ?? 0)),
            ("reverse_threshold", .double(Double(p.reverseThreshold) ?? 0)),
        ]
    }

    /// Merges the survivor files of `trials` (complete trials of the run in `directory`) by seed
    /// and writes one kind of survivor list to `path`, atomically: `optimize export` with every
    /// complete trial, the run's live `bidirectional_survivors.json` with its best trial alone.
    static func writeSurvivors(run directory: String, settings: SearchSettings, trials: [TrialOutcome], shape: HistoryShape,
                               to path: String, kind: Kind) throws {
        let reverseMeasured = settings.fullReverse || settings.referenceMode
        var cursors: [SurvivorCursor] = []
        for outcome in trials {
            let file = (directory as NSString).appendingPathComponent(outcome.survivorFile!)
            try RunSummary.sweepContents(run: directory, of: outcome, file: outcome.survivorFile!).verify()
            cursors.append(try SurvivorCursor(path: file, length: outcome.survivorBytes ?? 0))
        }
        let metadata = trials.map { Self.metadata($0, settings: settings, shape: shape) }
        // Atomically, through a temporary file created exclusively under a unique name (never
        // through a symlink planted in the output directory), fsynced, renamed, directory fsynced.
        var failure: (any Error)?
        try AtomicFile.write(to: FilePath(path)) { (writer) throws(InputError) in
            do { try writeSurvivorList(cursors: cursors, trials: trials, metadata: metadata, kind: kind,
                                       reverseMeasured: reverseMeasured, referenceMode: settings.referenceMode, to: writer) }
            catch let error as InputError { throw error }
            catch {
                failure = error
                throw InputError(.unreadableFile, source: path, problem: "\(error)", fix: "resume the run to rebuild its trials")
            }
        }
        if let failure { throw failure }
    }

    private static func writeSurvivorList(cursors: [SurvivorCursor], trials: [TrialOutcome], metadata: [[(key: String, value: JSONValue)]],
                                          kind: Kind, reverseMeasured: Bool, referenceMode: Bool,
                                          to writer: AtomicFile.Writer) throws {
        var buffer = "["
        var first = true
        func flush(force: Bool) throws {
            if force || buffer.utf8.count >= 1 << 20 {
                try writer.write(Array(buffer.utf8))
                buffer = ""
            }
        }
        while true {
            // The smallest seed among the cursors, and each trial's record of it.
            var seed: UInt64?
            for cursor in cursors { if let record = cursor.current { seed = min(seed ?? record.seed, record.seed) } }
            guard let seed else { break }
            var chosen: (record: JSONValue, score: Double)?
            for (index, cursor) in cursors.enumerated() {
                guard let record = cursor.current, record.seed == seed else { continue }
                try cursor.advance()
                guard let entry = Self.entry(record, kind: kind, trial: trials[index], reverseMeasured: reverseMeasured,
                                        referenceMode: referenceMode, metadata: metadata[index])
                else { continue }
                if chosen == nil || (kind == .bidirectional && entry.score > chosen!.score) { chosen = entry }
            }
            guard let chosen else { continue }
            buffer += (first ? "\n  " : ",\n  ") + JSONWriter.pretty(chosen.record, indent: 2)
            first = false
            try flush(force: false)
        }
        buffer += first ? "]\n" : "\n]\n"
        try flush(force: true)
    }

    /// A survivor's record in one of the lists, with its score (bidirectional), or `nil` when it is
    /// not on that list.
    static func entry(_ r: SurvivorRecord, kind: Kind, trial: TrialOutcome, reverseMeasured: Bool, referenceMode: Bool,
                      metadata: [(key: String, value: JSONValue)]) -> (record: JSONValue, score: Double)? {
        let k = Double(trial.parameters.windowSize)
        let kr = Double(trial.reverseWindow)
        let listed = ListedSurvivor(r, referenceMode: referenceMode)
        switch kind {
        case .bidirectional:
            guard r.passed.contains(.bidirectional) else { return nil }
            let f = Double(listed.forwardMatches) / k
            let rr = Double(listed.reverseMatches) / kr
            let score = (f + rr) / 2
            return (.object([
                ("seed", .uint64(r.seed)), ("forward_match_rate", .double(f)), ("reverse_match_rate", .double(rr)),
                ("score", .double(score)), ("skip", .integer(Int(listed.skip))),
                ("forward_matches", .integer(Int(listed.forwardMatches))), ("reverse_matches", .integer(Int(listed.reverseMatches))),
            ] + metadata), score)
        case .forward:
            guard r.passed.contains(.forward) else { return nil }
            return (.object([
                ("seed", .uint64(r.seed)), ("forward_match_rate", .double(Double(r.forwardMatches) / k)),
                ("skip", .integer(Int(r.forwardSkip))), ("forward_matches", .integer(Int(r.forwardMatches))),
            ] + metadata), 0)
        case .reverse:
            if reverseMeasured {
                guard r.passed.contains(.reverse) else { return nil }
                return (.object([
                    ("seed", .uint64(r.seed)), ("reverse_match_rate", .double(Double(r.reverseMatches) / kr)),
                    ("skip", .integer(Int(r.reverseSkip))), ("reverse_matches", .integer(Int(r.reverseMatches))),
                ] + metadata), 0)
            }
            guard r.passed.contains(.bidirectional) else { return nil }
            return (.object([
                ("seed", .uint64(r.seed)), ("reverse_match_rate", .double(Double(r.bidirectionalReverse) / kr)),
                ("skip", .integer(Int(r.bidirectionalSkip))), ("reverse_matches", .integer(Int(r.bidirectionalReverse))),
            ] + metadata), 0)
        }
    }
}

/// Reads a survivor file one record at a time, a block at a time.
final class SurvivorCursor {
    private let handle: FileHandle
    private var remaining: UInt64
    private var block: [UInt8] = []
    private var position = 0
    private(set) var current: SurvivorRecord?

    init(path: String, length: UInt64) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw InputError(.unreadableFile, source: path, problem: "cannot open the survivor file",
                             fix: "the run directory is incomplete; resume the run to rebuild it")
        }
        self.handle = handle
        remaining = length
        try advance()
    }

    deinit { try? handle.close() }

    func advance() throws {
        if position + SurvivorRecord.encodedSize > block.count {
            guard remaining > 0 else {
                current = nil
                return
            }
            let count = Int(min(remaining, UInt64(4096 * SurvivorRecord.encodedSize)))
            block = [UInt8](try handle.read(upToCount: count) ?? Data())
            guard block.count >= SurvivorRecord.encodedSize else {
                current = nil
                return
            }
            remaining -= UInt64(block.count)
            position = 0
        }
        current = SurvivorRecord(decoding: block[position..<(position + SurvivorRecord.encodedSize)])
        position += SurvivorRecord.encodedSize
    }
}
