import Foundation
import Sieve
import WindowSearch

/// The overnight runner (docs/operations.md §2): sweeps a seed range too large for one sieve in
/// cycles of `block` seeds, each with the champion current when it starts, into a directory that a
/// kill at any instant cannot corrupt.
///
/// Cycle i sieves `[start + i·block, min(end, start + (i+1)·block))` in `cycles/NNNNNN/`:
/// `start.json` fixes its champion, `sweep/` is its ``Sieve/SieveSweep``. Then, each exactly once
/// and atomically, in this order: the canary (`canary.json`, a miss appended to `hard_bank.txt`);
/// the candidates appended to `candidates.jsonl`; `cycles/NNNNNN.json`; one line in `history.jsonl`;
/// `progress_report_NNNNNN.json` and `latest_progress.json`. A resume after a kill between any two
/// steps does the missing ones and repeats none: each step first looks for what it writes.
///
/// ```swift
/// let campaign = try Campaign.open(directory: "night", file: file, history: history)
/// _ = try campaign.run(champion: { try loader.next() })
/// ```
public final class Campaign {
    /// What the campaign reports while it runs.
    public enum Event: Sendable {
        case cycleStarted(CycleStart, resumed: Bool)
        case sieveProgress(cycle: Int, progress: SieveSweep.Progress)
        case cycleFinished(CycleRecord, ProgressReport)
    }

    /// How a call to ``run(cycles:champion:observer:shouldStop:)`` ended.
    public enum Ending: Sendable, Equatable {
        /// Every cycle of the range is done.
        case complete
        /// The cycles asked for are done; running again continues.
        case cyclesDone
        /// Stopped on request; running again resumes the current cycle.
        case interrupted
    }

    public let directory: String
    public let file: CampaignFile
    public let seeds: SeedRange
    public let cyclesTotal: Int
    /// The history with every entry.
    public let history: DrawHistory
    public var backend: SieveBackend
    public var cancellation: Cancellation = .never
    /// Seconds between cycles (`OPTIMIZE_CAMPAIGN_PAUSE`).
    public var pause: Double = 0
    public var canaryPlacement: Canary.Placement = .inside
    /// The finished cycles, in order.
    public internal(set) var cycles: [CycleRecord]

    let lock: DirectoryLock
    let journal: Journal
    let log: RunLog
    var filtered: [SessionChoice: DrawHistory] = [:]

    /// Starts the campaign `file` describes in `directory`, or resumes the one there.
    ///
    /// - Throws: ``InputError``: bad settings before anything is written; `outputDirectoryMismatch`
    ///   when the directory holds another campaign (naming the fields that differ), a search run or
    ///   other files, or the history is not the campaign's; `runBusy` when another runner holds it;
    ///   `damagedOutputDirectory` for damaged records.
    public static func open(directory: String, file: CampaignFile, history: DrawHistory,
                            backend: SieveBackend = CPUSieveBackend()) throws(InputError) -> Campaign {
        try file.validate()
        let seeds = try file.seedRange()
        let cycles = (seeds.count + UInt128(file.block) - 1) / UInt128(file.block)
        guard cycles <= UInt128(1) << 48 else {
            throw InputError(.invalidOption, source: "--block", problem: "\(file.block) seeds per cycle cut \(seeds) into \(cycles) cycles",
                             fix: "give a block of at least \(seeds.count >> 48) seeds (at most 2^48 cycles)")
        }
        guard history.checksum == file.history.sha256 else {
            throw InputError(.outputDirectoryMismatch, source: history.source, problem: "is not the history the campaign was made for",
                             fix: "give the campaign's history file, unchanged")
        }
        let base = FilePath(directory)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw InputError(.outputDirectoryMismatch, source: directory, problem: "is not a directory",
                                 fix: "give --out a new directory")
            }
        } else {
            try FileIO.makeDirectories(base)
        }
        let lock = try DirectoryLock(
            directory: base, name: CampaignFiles.lock, holder: "campaign",
            fix: "wait for it to finish, or stop it (Ctrl-C); the same command then resumes the campaign")
        let manifestPath = base.appending(CampaignFiles.campaign)
        let existing: CampaignFile
        if FileIO.size(of: manifestPath) != nil || FileIO.isSymbolicLink(manifestPath) {
            existing = try read(CampaignFile.self, at: manifestPath)
            guard existing.format == CampaignFile.currentFormat else {
                throw InputError(.damagedOutputDirectory, source: manifestPath.string,
                                 problem: "is a campaign of format '\(existing.format)'", fix: "give --out a new directory")
            }
            let differences = existing.differences(from: file)
            guard differences.isEmpty else {
                throw InputError(.outputDirectoryMismatch, source: directory,
                                 problem: "holds a campaign with other \(differences.joined(separator: ", "))",
                                 fix: "repeat that campaign's exact command to resume it, or give --out a new directory")
            }
        } else {
            guard DirectoryLock.isEffectivelyEmpty(base, lockName: CampaignFiles.lock) else {
                throw InputError(.outputDirectoryMismatch, source: directory, problem: "is not empty and holds no campaign",
                                 fix: "give --out a new or empty directory")
            }
            try write(file, to: manifestPath)
            existing = file
        }
        return try Campaign(directory: directory, file: existing, seeds: seeds, history: history, backend: backend, lock: lock)
    }

    private init(directory: String, file: CampaignFile, seeds: SeedRange, history: DrawHistory, backend: SieveBackend,
                 lock: DirectoryLock) throws(InputError) {
        self.directory = directory
        self.file = file
        self.seeds = seeds
        self.cyclesTotal = Int((seeds.count + UInt128(file.block) - 1) / UInt128(file.block))
        self.history = history
        self.backend = backend
        self.lock = lock
        let base = FilePath(directory)
        Self.removeTemporaries(in: base)
        for name in [CampaignFiles.logs, CampaignFiles.cycles] {
            try FileIO.makeDirectory(base.appending(name))
        }
        Self.removeTemporaries(in: base.appending(CampaignFiles.cycles))  // a kill while a cycle record was written
        log = RunLog(path: base.appending(CampaignFiles.log).string, limit: 5 << 20, backups: 3)
        try log.check()
        journal = try Journal(appendingTo: base.appending(CampaignFiles.history), damage: .damagedOutputDirectory)
        cycles = try Self.cycles(in: journal.contents().records, path: journal.path.string)
        try reconcileProgress()
    }

    /// The cycle records of `history.jsonl`, which must be cycles 0, 1, 2, … in order.
    public static func cycles(in records: [JSONValue], path: String) throws(InputError) -> [CycleRecord] {
        var cycles: [CycleRecord] = []
        for (index, record) in records.enumerated() {
            let place = "\(path): line \(index + 1)"
            let cycle = try RunFileCoding.plainDecoder.decode(CycleRecord.self, from: record, source: place, kind: .damagedOutputDirectory)
            guard cycle.cycle == index else {
                throw InputError(.damagedOutputDirectory, source: place, problem: "holds cycle \(cycle.cycle) where cycle \(index) belongs",
                                 fix: "restore the file from a backup")
            }
            cycles.append(cycle)
        }
        return cycles
    }

    /// Runs cycles until the range is done, `cycles` of them have run in this call, or
    /// `shouldStop` says to stop (checked between cycles and after every chunk).
    ///
    /// - Parameter champion: the champion for a cycle that starts (not for one that resumes: its
    ///   champion is in its `start.json`).
    public func run(cycles limit: Int? = nil, champion: () throws -> CycleChampion,
                    observer: (Event) -> Void = { _ in }, shouldStop: () -> Bool = { false }) throws -> Ending {
        say("campaign in \(directory): \(cycles.count) of \(cyclesTotal) cycles done, seeds \(seeds), block \(file.block)")
        var ran = 0
        while cycles.count < cyclesTotal {
            if let limit, ran >= limit { return .cyclesDone }
            if shouldStop() { return interrupted() }
            if ran > 0 && pause > 0 {
                // The pause, in short steps, so that a stop is not kept waiting.
                let until = Date().addingTimeInterval(pause)
                while Date() < until {
                    if shouldStop() { return interrupted() }
                    Thread.sleep(forTimeInterval: min(0.05, max(0, until.timeIntervalSinceNow)))
                }
            }
            guard try runCycle(cycles.count, champion: champion, observer: observer, shouldStop: shouldStop) != nil else {
                return interrupted()
            }
            ran += 1
        }
        let found = cycles.reduce(0) { $0 + $1.candidates }
        say("campaign complete: \(cycles.count) cycles, \(found) candidate\(found == 1 ? "" : "s")")
        return .complete
    }

    private func interrupted() -> Ending {
        say("stopped on request after \(cycles.count) cycles; the same command resumes")
        return .interrupted
    }

    /// Where log lines also go (the terminal), besides `logs/campaign.log`.
    public var terminal: (@Sendable (String) -> Void)?

    /// Writes `message` to the log (time, process id) and to ``terminal``.
    public func say(_ message: String) {
        let line = log.write(message)
        terminal?(line.hasSuffix("\n") ? String(line.dropLast()) : line)
    }

    /// The report after the finished cycles.
    public func report(now: Date = Date()) throws(InputError) -> ProgressReport {
        ProgressReport(cycles: cycles, cyclesTotal: cyclesTotal, seedsTotal: seeds.count,
                       hardNegatives: try JSONLines.read(path(CampaignFiles.hardBank)).lines.count, now: now)
    }

    /// Writes the last cycle's progress report and `latest_progress.json`.
    func writeProgress() throws(InputError) -> ProgressReport {
        let report = try report()
        let bytes = try RunFileCoding.encoder.encode(report).fileBytes
        try AtomicFile.write(bytes, to: path(CampaignFiles.progressReport(cycles.count - 1)))
        try AtomicFile.write(bytes, to: path(CampaignFiles.latestProgress))
        return report
    }

    /// After a kill between a cycle's history line and its progress files: writes them.
    private func reconcileProgress() throws(InputError) {
        guard !cycles.isEmpty else { return }
        let latest = try FileIO.contents(of: path(CampaignFiles.latestProgress), followingLinks: false)
            .flatMap { try? JSONReader.parse($0) }
        if FileIO.size(of: path(CampaignFiles.progressReport(cycles.count - 1))) == nil
            || latest?["total_cycles"]?.integer != cycles.count {
            _ = try writeProgress()
            say("wrote cycle \(cycles.count - 1)'s progress files (the previous process stopped before it)")
        }
    }

    /// Removes what an atomic write killed before its rename left (`.NAME.tmp-…`, regular files).
    static func removeTemporaries(in directory: FilePath) {
        for name in FileIO.directoryEntries(directory) ?? [] where FileIO.isTemporaryName(name) {
            let file = directory.appending(name)
            if FileIO.isRegularFile(file) { try? FileManager.default.removeItem(atPath: file.string) }
        }
    }

    func path(_ relative: String) -> FilePath { FilePath(directory).appending(relative) }

    static func read<T: Decodable>(_ type: T.Type, at path: FilePath) throws(InputError) -> T {
        guard let bytes = try FileIO.contents(of: path, followingLinks: false) else {
            throw InputError(.damagedOutputDirectory, source: path.string, problem: "is missing", fix: "restore the campaign directory")
        }
        let json: JSONValue
        do { json = try JSONReader.parse(bytes) } catch {
            throw InputError(.damagedOutputDirectory, source: path.string, problem: "is not valid JSON (\(error))",
                             fix: "restore the file; optimize writes it atomically, so something else changed it")
        }
        return try RunFileCoding.plainDecoder.decode(type, from: json, source: path.string, kind: .damagedOutputDirectory)
    }

    static func write(_ record: some Encodable, to path: FilePath) throws(InputError) {
        try AtomicFile.write(try RunFileCoding.encoder.encode(record).fileBytes, to: path)
    }
}
