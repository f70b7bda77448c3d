import Foundation

/// Reads a survivor file (`survivors.bin`) a block at a time, so that memory stays bounded
/// whatever its size.
public enum SurvivorFile {
    /// Calls `body` with every record of the file, in order, until it returns `false`.
    ///
    /// - Parameter length: read only this many bytes (a sweep's journaled length); `nil` reads all.
    public static func forEach(path: String, length: UInt64? = nil, _ body: (SurvivorRecord) throws -> Bool) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw InputError(.unreadableFile, source: path, problem: "cannot open the survivor file",
                             fix: "give the directory of a sweep (it holds survivors.bin)")
        }
        defer { try? handle.close() }
        var remaining = length ?? UInt64.max
        let block = 4096 * SurvivorRecord.encodedSize
        while remaining > 0 {
            let data = try handle.read(upToCount: Int(min(UInt64(block), remaining))) ?? Data()
            if data.isEmpty { break }
            guard data.count % SurvivorRecord.encodedSize == 0 else {
                throw InputError(.damagedOutputDirectory, source: path, problem: "ends inside a record",
                                 fix: "run the sweep again: a resume cuts the file back to its last complete chunk")
            }
            remaining -= UInt64(data.count)
            let bytes = [UInt8](data)
            for offset in stride(from: 0, to: bytes.count, by: SurvivorRecord.encodedSize) {
                let record = SurvivorRecord(decoding: bytes[offset..<(offset + SurvivorRecord.encodedSize)])
                if try !body(record) { return }
            }
        }
    }
}

/// Combines the directories of a sweep's shards into the directory the unsharded sweep would have
/// written: the same survivor file, byte for byte, and the same summary.
public enum SweepMerge {
    public static func merge(shards directories: [String], into output: String) throws -> SweepSummary {
        var parts: [(manifest: SweepManifest, summary: SweepSummary, directory: String)] = []
        for directory in directories {
            let manifestPath = (directory as NSString).appendingPathComponent(SweepManifest.fileName)
            let summaryPath = (directory as NSString).appendingPathComponent(SweepSummary.fileName)
            guard let data = FileManager.default.contents(atPath: manifestPath),
                  let manifest = try? JSONDecoder.sweep.decode(SweepManifest.self, from: data)
            else {
                throw InputError(.unreadableFile, source: manifestPath, problem: "is not a sweep manifest",
                                 fix: "give the directories that `optimize sieve --shard i/n` wrote")
            }
            guard manifest.identity.shard != nil else {
                throw InputError(.outputDirectoryMismatch, source: directory, problem: "is not a shard",
                                 fix: "give the directories of sweeps run with --shard i/n")
            }
            guard let summaryData = FileManager.default.contents(atPath: summaryPath),
                  let summary = try? JSONDecoder.sweep.decode(SweepSummary.self, from: summaryData)
            else {
                throw InputError(.damagedOutputDirectory, source: directory, problem: "holds an unfinished shard",
                                 fix: "finish it first: run its `optimize sieve` command again to resume it")
            }
            parts.append((manifest, summary, directory))
        }
        guard let first = parts.first, let count = first.manifest.identity.shard?.count else {
            throw InputError(.invalidOption, source: "merge", problem: "no shard directories given",
                             fix: "give every shard's directory")
        }
        parts.sort { $0.manifest.identity.shard!.index < $1.manifest.identity.shard!.index }
        let unsharded = { (identity: SweepIdentity) in
            SweepIdentityWithoutShard(identity)
        }
        for part in parts {
            guard unsharded(part.manifest.identity) == unsharded(first.manifest.identity) else {
                throw InputError(.outputDirectoryMismatch, source: part.directory,
                                 problem: "is a shard of another sweep than \(first.directory)",
                                 fix: "merge only the shards of one sweep")
            }
        }
        guard parts.map({ $0.manifest.identity.shard!.index }) == Array(0..<count),
              parts.allSatisfy({ $0.manifest.identity.shard!.count == count })
        else {
            let have = parts.map { "\($0.manifest.identity.shard!.index)/\($0.manifest.identity.shard!.count)" }
            throw InputError(.invalidOption, source: "merge", problem: "the shards given are \(have.joined(separator: ", "))",
                             fix: "give each shard 0/\(count) … \(count - 1)/\(count) exactly once")
        }
        // The unsharded sweep's directory.
        let manager = FileManager.default
        if manager.fileExists(atPath: output) {
            throw InputError(.outputDirectoryMismatch, source: output, problem: "already exists",
                             fix: "give --out a new directory for the merged sweep")
        }
        do {
            try manager.createDirectory(atPath: output, withIntermediateDirectories: false)
        } catch {
            throw InputError(.unwritableFile, source: output, problem: "cannot create the directory",
                             fix: "check that its parent exists and is writable")
        }
        let identity = first.manifest.identity
        let whole = SweepIdentity(copying: identity, shard: nil)
        let survivorPath = (output as NSString).appendingPathComponent(SieveSweep.survivorFileName)
        let survivors = try AppendOnlyFile(path: survivorPath)
        let journal = try AppendOnlyFile(path: (output as NSString).appendingPathComponent(SweepJournal.fileName))
        var totals = (bytes: UInt64(0), forward: 0, reverse: 0, bidirectional: 0)
        for (index, part) in parts.enumerated() {
            let path = (part.directory as NSString).appendingPathComponent(SieveSweep.survivorFileName)
            var bytes: [UInt8] = []
            try SurvivorFile.forEach(path: path, length: part.summary.survivorBytes) { record in
                bytes += record.encoded
                if bytes.count >= 1 << 20 {
                    try survivors.append(bytes)
                    bytes.removeAll(keepingCapacity: true)
                }
                return true
            }
            try survivors.append(bytes)
            totals.bytes += part.summary.survivorBytes
            totals.forward += part.summary.forward
            totals.reverse += part.summary.reverse ?? 0
            totals.bidirectional += part.summary.bidirectional ?? 0
            let shard = part.manifest.identity.shard!
            try journal.append(SweepJournal.line(SweepJournal.Entry(
                chunk: index, first: shard.first, last: shard.last, records: part.summary.records,
                bytes: totals.bytes, forward: totals.forward, reverse: totals.reverse, bidirectional: totals.bidirectional)))
        }
        let seedCount = SeedRange(first: whole.seedsFirst, last: whole.seedsLast).count
        let summary = SweepSummary(
            status: "complete", seeds: String(seedCount), records: Int(totals.bytes) / SurvivorRecord.encodedSize,
            survivorBytes: totals.bytes, forward: totals.forward,
            reverse: first.summary.reverse == nil ? nil : totals.reverse,
            bidirectional: first.summary.bidirectional == nil ? nil : totals.bidirectional,
            chance: first.summary.chance.scaled(to: Double(seedCount)))
        let manifest = SweepManifest(
            format: SweepManifest.currentFormat, identity: whole, historyFile: first.manifest.historyFile,
            chunkSize: first.manifest.chunkSize, recordSize: SurvivorRecord.encodedSize, strategy: first.manifest.strategy,
            created: ISO8601DateFormatter().string(from: Date()), version: OptimizeVersion.current)
        try AtomicFile.write(try JSONEncoder.sweep.encode(manifest) + Data("\n".utf8),
                             to: URL(fileURLWithPath: (output as NSString).appendingPathComponent(SweepManifest.fileName)))
        try AtomicFile.write(try JSONEncoder.sweep.encode(summary) + Data("\n".utf8),
                             to: URL(fileURLWithPath: (output as NSString).appendingPathComponent(SweepSummary.fileName)))
        return summary
    }
}

/// A sweep identity with its shard left out: what shards of one sweep share.
struct SweepIdentityWithoutShard: Equatable {
    let identity: SweepIdentity
    init(_ identity: SweepIdentity) { self.identity = SweepIdentity(copying: identity, shard: nil) }
}

extension SweepIdentity {
    /// A copy with another shard.
    init(copying other: SweepIdentity, shard: Shard?) {
        prng = other.prng
        history = other.history
        modulus = other.modulus
        window = other.window
        offset = other.offset
        reverseWindow = other.reverseWindow
        skipMin = other.skipMin
        skipMax = other.skipMax
        burn = other.burn
        threshold = other.threshold
        forwardMinMatches = other.forwardMinMatches
        reverseThreshold = other.reverseThreshold
        reverseMinMatches = other.reverseMinMatches
        reverseScope = other.reverseScope
        referenceMode = other.referenceMode
        seedsFirst = other.seedsFirst
        seedsLast = other.seedsLast
        self.shard = shard
    }
}
