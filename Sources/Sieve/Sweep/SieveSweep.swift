import Foundation

/// A sieve over a seed range, streamed to a directory chunk by chunk, that a kill at any instant
/// cannot corrupt: run it again and it resumes after the last completed chunk, ending with exactly
/// the files of an uninterrupted run.
///
/// The directory holds `sweep.json` (``SweepManifest``), `survivors.bin` (``SurvivorRecord``s
/// sorted by seed), `chunks.journal` (``SweepJournal``) and, once complete, `summary.json`
/// (``SweepSummary``). Survivors of a chunk are written and flushed before its journal line, and a
/// resume cuts the survivor file back to the journal's last entry.
///
/// ```swift
/// let sweep = SieveSweep(directory: "out", plan: plan, history: history, seeds: seeds)
/// let outcome = try sweep.run(progress: { print($0.seedsDone) }, shouldStop: { false })
/// ```
public struct SieveSweep: Sendable {
    public static let survivorFileName = "survivors.bin"
    public static let defaultChunkSize: UInt64 = 1 << 22

    /// Where a sweep stands after a chunk (a checkpoint), or within one.
    public struct Progress: Sendable {
        public let chunksDone: Int
        /// Seeds of the chunks written (checkpointed): what a resume keeps.
        public let seedsDone: UInt128
        public let seedsTotal: UInt128
        /// Survivors of the chunks written (the chunk in progress is not counted until written).
        public let forward: Int
        public let reverse: Int
        public let bidirectional: Int
        /// Seeds swept by this process (not counting chunks done before a resume), of the chunks written.
        public let seedsThisRun: UInt128
        /// Seeds swept so far, the chunk in progress's finished dispatches included: ``seedsDone``
        /// at a checkpoint, more within a chunk. For displays only (a kill drops the chunk in progress).
        public let seedsSwept: UInt128
        /// Whether a chunk was just written (else: progress within the chunk in progress).
        public let isCheckpoint: Bool

        /// Seeds swept by this process, the chunk in progress's finished dispatches included.
        public var seedsSweptThisRun: UInt128 { seedsThisRun + (seedsSwept - seedsDone) }
    }

    public enum Outcome: Sendable {
        case complete(SweepSummary)
        /// Stopped on request after a completed chunk; running again resumes.
        case interrupted(Progress)
    }

    public let directory: String
    public let plan: SievePlan
    public let history: DrawHistory
    public let seeds: SeedRange
    public let shard: (index: Int, count: Int)?
    public let backend: SieveBackend
    public let chunkSize: UInt64
    /// Seeds of the empirical chance calibration (``SievePlan/chanceExpectation(seedCount:backend:sampleSize:)``).
    public let chanceSampleSize: Int
    /// Checked between the backend's dispatches (and the chance calibration's): once cancelled,
    /// the run ends within a dispatch as ``Outcome/interrupted(_:)``, after its last completed chunk.
    public let cancellation: Cancellation
    /// The champion the configuration came from (``SweepManifest/champion``); nil when options gave it.
    public var champion: JSONValue?

    public init(
        directory: String, plan: SievePlan, history: DrawHistory, seeds: SeedRange, shard: (index: Int, count: Int)? = nil,
        backend: SieveBackend = CPUSieveBackend(), chunkSize: UInt64 = SieveSweep.defaultChunkSize,
        chanceSampleSize: Int = SieveSweep.defaultChanceSampleSize, cancellation: Cancellation = .never
    ) {
        precondition(chunkSize >= 1)
        self.directory = directory
        self.plan = plan
        self.history = history
        self.seeds = seeds
        self.shard = shard
        self.backend = backend
        self.chunkSize = chunkSize
        self.chanceSampleSize = chanceSampleSize
        self.cancellation = cancellation
    }

    public static let defaultChanceSampleSize = 1 << 20

    var identity: SweepIdentity {
        let part = shard.map { shard -> SweepIdentity.Shard in
            let range = seeds.shard(shard.index, of: shard.count)!
            return SweepIdentity.Shard(index: shard.index, count: shard.count, first: range.first, last: range.last)
        }
        return SweepIdentity(plan: plan, history: history, seeds: seeds, shard: part)
    }

    func path(_ name: String) -> FilePath { FilePath(directory).appending(name) }

    /// Runs (or resumes) the sweep.
    ///
    /// - Parameters:
    ///   - progress: called after every chunk written (``Progress/isCheckpoint``), once before the
    ///     first, and within a chunk after each of the backend's dispatches (on this thread).
    ///   - shouldStop: checked after every chunk; `true` ends the run cleanly (``Outcome/interrupted(_:)``).
    ///     Within a chunk, ``cancellation`` stops it between dispatches, with the same outcome.
    /// - Throws: ``InputError`` when the directory holds another run or cannot be written.
    public func run(progress: (Progress) -> Void = { _ in }, shouldStop: () -> Bool = { false }) throws -> Outcome {
        var reached: Progress?
        do {
            return try sweep(progress: { if $0.isCheckpoint { reached = $0 }; progress($0) },
                             shouldStop: { shouldStop() || cancellation.isCancelled })
        } catch is SieveCancelled {
            // Stopped inside a chunk (or the chance calibration): nothing of it was written.
            return .interrupted(reached!)
        }
    }

    private func sweep(progress: (Progress) -> Void, shouldStop: () -> Bool) throws -> Outcome {
        let (manifest, lock) = try openDirectory()
        // Held until the sweep returns: a second writer is refused (runBusy) and changes nothing.
        defer { withExtendedLifetime(lock) {} }
        if let summary = try existingSummary() { return .complete(summary) }
        let swept = manifest.identity.sweptSeeds
        let chunkSize = manifest.chunkSize
        let survivorPath = path(Self.survivorFileName)
        let journal = try SweepJournal.open(path(SweepJournal.fileName))
        let entries = try SweepJournal.entries(of: journal)
        let survivorBytes = entries.last?.bytes ?? 0
        // The journaled chunks are checked (layout, the file's length, and the last chunk's bytes
        // against its CRC-32) before anything is appended after them.
        let contents = try SweepContents(directory: directory, manifest: manifest, entries: entries, summary: nil)
        try contents.verify(chunks: max(entries.count - 1, 0)..<entries.count)
        let survivors = try AppendOnlyFile(path: survivorPath, truncatingTo: survivorBytes)

        let total = swept.count
        let chunks = Int((total + UInt128(chunkSize) - 1) / UInt128(chunkSize))
        var last = entries.last
        var doneThisRun: UInt128 = 0
        func report(_ chunk: Int, sweptInChunk: UInt128 = 0) -> Progress {
            let done = chunk == chunks ? total : UInt128(chunk) * UInt128(chunkSize)
            return Progress(chunksDone: chunk, seedsDone: done, seedsTotal: total, forward: last?.forward ?? 0,
                            reverse: last?.reverse ?? 0, bidirectional: last?.bidirectional ?? 0, seedsThisRun: doneThisRun,
                            seedsSwept: done + sweptInChunk, isCheckpoint: sweptInChunk == 0)
        }
        progress(report(entries.count))
        if entries.count < chunks, let dispatching = backend as? any SieveDispatchBackend {
            // What is left of the sweep, asked for once: a cycle pass that pays runs now, and every
            // chunk finds its candidates. Its progress counts within the first chunk left.
            let first = swept.first + UInt64(UInt128(entries.count) * UInt128(chunkSize))
            let chunkSeeds = min(UInt128(chunkSize), total - UInt128(entries.count) * UInt128(chunkSize))
            _ = try withoutActuallyEscaping(progress) { progress in
                let meter = SieveMeter { done, of in
                    guard of > 0, done < of else { return }
                    let swept = UInt128(Double(chunkSeeds) * (Double(done) / Double(of)))
                    if swept > 0 { progress(report(entries.count, sweptInChunk: min(swept, chunkSeeds - 1))) }
                }
                return try SieveExecutor(backend: dispatching, cancellation: cancellation, meter: meter)
                    .cycleCandidates(for: plan, seeds: SeedRange(first: first, last: swept.last))
            }
        }
        for chunk in entries.count..<chunks {
            if shouldStop() { return .interrupted(report(chunk)) }
            let first = swept.first + UInt64(UInt128(chunk) * UInt128(chunkSize))
            let last64 = UInt128(swept.last - first) < UInt128(chunkSize) ? swept.last : first + chunkSize - 1
            let chunkSeeds = UInt128(last64 - first) + 1
            // Within the chunk: the share of its dispatches done, in seeds (short of the whole
            // chunk, which counts once written). The meter lives only as long as this call.
            let records = try withoutActuallyEscaping(progress) { progress in
                let meter = SieveMeter { done, of in
                    guard of > 0, done < of else { return }
                    let swept = UInt128(Double(chunkSeeds) * (Double(done) / Double(of)))
                    if swept > 0 { progress(report(chunk, sweptInChunk: min(swept, chunkSeeds - 1))) }
                }
                return try backend.survivors(of: plan, seeds: SeedRange(first: first, last: last64), cancellation: cancellation,
                                             meter: meter)
            }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(records.count * SurvivorRecord.encodedSize)
            for record in records { bytes += record.encoded }
            try PhaseTimer.measure(.writing) { try survivors.append(bytes) }
            let entry = SweepJournal.Entry(
                chunk: chunk, first: first, last: last64, records: records.count,
                bytes: (last?.bytes ?? 0) + UInt64(bytes.count),
                forward: (last?.forward ?? 0) + records.filter { $0.passed.contains(.forward) }.count,
                reverse: (last?.reverse ?? 0) + records.filter { $0.passed.contains(.reverse) }.count,
                bidirectional: (last?.bidirectional ?? 0) + records.filter { $0.passed.contains(.bidirectional) }.count,
                crc32: CRC32.hex(CRC32.checksum(bytes)))
            try PhaseTimer.measure(.writing) { try SweepJournal.append(entry, to: journal) }
            last = entry
            doneThisRun += UInt128(last64 - first) + 1
            progress(report(chunk + 1))
        }
        // Chunks journaled before this process are all checked once before the sweep is declared
        // complete (the last was checked before appending).
        try contents.verify(chunks: 0..<max(entries.count - 1, 0))
        let summary = try makeSummary(last: last, total: total)
        try PhaseTimer.measure(.writing) { try SweepFileCoding.write(summary, to: path(SweepSummary.fileName)) }
        return .complete(summary)
    }

    private func makeSummary(last: SweepJournal.Entry?, total: UInt128) throws -> SweepSummary {
        let p = plan.parameters
        // Its dispatches count as `.kernel`, the rest as `.calibration` (PhaseTimer's nesting).
        let chance = try PhaseTimer.measure(.calibration) {
            try plan.chanceExpectation(seedCount: total, backend: backend, sampleSize: chanceSampleSize, cancellation: cancellation)
        }
        let reportsReverse = p.hasReverse && (p.referenceMode || p.reverseScope == .fullRange)
        return SweepSummary(
            status: "complete", seeds: String(total), records: Int(last.map { $0.bytes } ?? 0) / SurvivorRecord.encodedSize,
            survivorBytes: last?.bytes ?? 0, forward: last?.forward ?? 0,
            reverse: reportsReverse ? (last?.reverse ?? 0) : nil,
            bidirectional: p.hasReverse ? (last?.bidirectional ?? 0) : nil, chance: chance)
    }

    /// Takes a sweep directory's lock (`sweep.lock`), or refuses with `runBusy` when another
    /// process writes it.
    public static func lock(directory: String) throws(InputError) -> DirectoryLock {
        try DirectoryLock(directory: FilePath(directory), name: DirectoryLock.sweep, holder: "sweep",
                          fix: "wait for it to finish, or stop it (Ctrl-C); the same command then resumes the sweep")
    }

    /// Creates the directory (durably), takes its lock, and creates its manifest or checks that an
    /// existing one is this sweep's, under the lock.
    private func openDirectory() throws -> (SweepManifest, DirectoryLock) {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        let exists = manager.fileExists(atPath: directory, isDirectory: &isDirectory)
        if exists && !isDirectory.boolValue {
            throw InputError(.outputDirectoryMismatch, source: directory, problem: "is a file, not a directory",
                             fix: "give --out a new or existing sweep directory")
        }
        if !exists {
            try FileIO.makeDirectory(FilePath(directory))
        }
        let lock = try Self.lock(directory: directory)
        let manifestPath = path(SweepManifest.fileName)
        if let manifest = try SweepFileCoding.read(
            SweepManifest.self, at: manifestPath, fix: "give --out a new directory (this one is damaged or from another tool)") {
            guard manifest.format == SweepManifest.currentFormat else {
                throw InputError(.damagedOutputDirectory, source: manifestPath.string,
                                 problem: "is a sweep manifest of format '\(manifest.format)'",
                                 fix: "give --out a new directory (this one is from another version of optimize)")
            }
            let differences = manifest.identity.differences(from: identity)
            guard differences.isEmpty else {
                throw InputError(
                    .outputDirectoryMismatch, source: directory,
                    problem: "holds a sweep with other \(differences.joined(separator: ", "))",
                    fix: "give --out a new directory, or repeat that sweep's exact parameters and history to resume it")
            }
            guard manifest.champion == champion else {
                func describe(_ value: JSONValue?) -> String {
                    guard let value else { return "no champion" }
                    return "champion \(value["source"]?.string ?? value.text)" + (value["content_hash"]?.string.map { " (SHA-256 \($0.prefix(12))…)" } ?? "")
                }
                throw InputError(
                    .outputDirectoryMismatch, source: directory,
                    problem: "holds a sweep made with \(describe(manifest.champion)), not \(describe(champion))",
                    fix: "give --out a new directory, or resume with the configuration that sweep was made with")
            }
            return (manifest, lock)
        }
        // Empty but for its lock file and temporary files (a kill before sweep.json was written),
        // each a regular file: a symlink or another file under one of those names is not ours.
        guard DirectoryLock.isEffectivelyEmpty(FilePath(directory), lockName: DirectoryLock.sweep) else {
            throw InputError(.outputDirectoryMismatch, source: directory, problem: "is not empty and holds no sweep",
                             fix: "give --out a new or empty directory")
        }
        let manifest = SweepManifest(identity: identity, historyFile: history.source, chunkSize: try effectiveChunkSize(),
                                     strategy: plan.strategy.rawValue, champion: champion)
        try SweepFileCoding.write(manifest, to: manifestPath)
        return (manifest, lock)
    }

    /// Seeds per chunk of a new sweep: ``chunkSize``, or when the backend prunes the plan by its
    /// class table, that many times the largest power of two within the share of (seed, skip)
    /// pairs the table leaves out, so that a chunk still does about ``chunkSize`` seeds' work (and
    /// takes seconds, not milliseconds: checkpoints stay cheap). Decided by the plan alone, so a
    /// resumed sweep and an uninterrupted one cut the same chunks (the manifest records it).
    func effectiveChunkSize() throws -> UInt64 {
        guard let dispatching = backend as? any SieveDispatchBackend else { return chunkSize }
        if dispatching.cyclePassRunner != nil, let pass = CyclePass(plan: plan), pass.pays(for: identity.sweptSeeds) {
            // The pass does the work up front; chunks only sieve its few candidates and write them.
            let (scaled, overflow) = chunkSize.multipliedReportingOverflow(by: Self.cyclePassChunkFactor)
            return overflow ? UInt64(1) << 63 : scaled
        }
        guard let table = try SieveExecutor(backend: dispatching).pruning(for: plan, seeds: identity.sweptSeeds),
              table.livingPairs > 0
        else { return chunkSize }
        let thinning = UInt64(min(1 / table.sievedFraction, Double(1 << 40)))
        let factor = UInt64(1) << UInt64(63 - max(thinning, 1).leadingZeroBitCount)
        let (scaled, overflow) = chunkSize.multipliedReportingOverflow(by: factor)
        return overflow ? UInt64(1) << 63 : scaled
    }

    /// How many times larger a sweep's chunks are when a ``CyclePass`` serves it: 2^28 seeds for
    /// the search's 2^18, 16 chunks over 2^32 seeds.
    static let cyclePassChunkFactor: UInt64 = 1 << 10

    private func existingSummary() throws(InputError) -> SweepSummary? {
        try SweepFileCoding.read(SweepSummary.self, at: path(SweepSummary.fileName),
                                 fix: "delete summary.json and run the sweep again to rebuild it")
    }
}
