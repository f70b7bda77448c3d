import Foundation

/// Combines the directories of a sweep's shards into the directory the unsharded sweep would have
/// written: the same survivor file, byte for byte, and the same summary.
public enum SweepMerge {
    public static func merge(shards directories: [String], into output: String) throws -> SweepSummary {
        var parts: [(manifest: SweepManifest, summary: SweepSummary, directory: String, contents: SweepContents)] = []
        for directory in directories {
            let manifestPath = FilePath(directory).appending(SweepManifest.fileName)
            let summaryPath = FilePath(directory).appending(SweepSummary.fileName)
            guard let manifest = try SweepFileCoding.read(SweepManifest.self, at: manifestPath,
                                                          fix: "give the directories that `optimize sieve --shard i/n` wrote")
            else {
                throw InputError(.unreadableFile, source: manifestPath.string, problem: "is not a sweep manifest",
                                 fix: "give the directories that `optimize sieve --shard i/n` wrote")
            }
            guard manifest.identity.shard != nil else {
                throw InputError(.outputDirectoryMismatch, source: directory, problem: "is not a shard",
                                 fix: "give the directories of sweeps run with --shard i/n")
            }
            guard let summary = try SweepFileCoding.read(SweepSummary.self, at: summaryPath,
                                                         fix: "run its `optimize sieve` command again to rebuild it")
            else {
                throw InputError(.damagedOutputDirectory, source: directory, problem: "holds an unfinished shard",
                                 fix: "finish it first: run its `optimize sieve` command again to resume it")
            }
            // The shard's journal, survivor file and summary agree, and its bytes match their CRC-32s.
            let contents = try SweepContents(directory: directory)
            try contents.verify()
            parts.append((manifest, summary, directory, contents))
        }
        guard let first = parts.first, let count = first.manifest.identity.shard?.count else {
            throw InputError(.invalidOption, source: "merge", problem: "no shard directories given",
                             fix: "give every shard's directory")
        }
        parts.sort { $0.manifest.identity.shard!.index < $1.manifest.identity.shard!.index }
        for part in parts {
            guard part.manifest.identity.withShard(nil) == first.manifest.identity.withShard(nil),
                  part.manifest.champion == first.manifest.champion else {
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
        // Created durably (or an empty one taken), then written under its lock: a second merge
        // into it is refused (runBusy) while this one writes, and finds it not empty after.
        try FileIO.makeDirectory(FilePath(output))
        let lock = try SieveSweep.lock(directory: output)
        defer { withExtendedLifetime(lock) {} }
        guard DirectoryLock.isEffectivelyEmpty(FilePath(output), lockName: DirectoryLock.sweep) else {
            throw InputError(.outputDirectoryMismatch, source: output, problem: "already exists and is not empty",
                             fix: "give --out a new directory for the merged sweep")
        }
        let identity = first.manifest.identity
        let whole = identity.withShard(nil)
        let survivors = try AppendOnlyFile(path: FilePath(output).appending(SieveSweep.survivorFileName))
        let journal = try SweepJournal.open(FilePath(output).appending(SweepJournal.fileName))
        var totals = (bytes: UInt64(0), forward: 0, reverse: 0, bidirectional: 0)
        for (index, part) in parts.enumerated() {
            let path = (part.directory as NSString).appendingPathComponent(SieveSweep.survivorFileName)
            var bytes: [UInt8] = []
            var crc = CRC32.start
            try SurvivorFile.forEach(path: path, length: part.contents.length) { record in
                let encoded = record.encoded
                crc = CRC32.update(crc, encoded)
                bytes += encoded
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
            try SweepJournal.append(SweepJournal.Entry(
                chunk: index, first: shard.first, last: shard.last, records: part.summary.records,
                bytes: totals.bytes, forward: totals.forward, reverse: totals.reverse, bidirectional: totals.bidirectional,
                crc32: CRC32.hex(CRC32.finish(crc))),
                to: journal)
        }
        let seedCount = SeedRange(first: whole.seedsFirst, last: whole.seedsLast).count
        let summary = SweepSummary(
            status: "complete", seeds: String(seedCount), records: Int(totals.bytes) / SurvivorRecord.encodedSize,
            survivorBytes: totals.bytes, forward: totals.forward,
            reverse: first.summary.reverse == nil ? nil : totals.reverse,
            bidirectional: first.summary.bidirectional == nil ? nil : totals.bidirectional,
            chance: first.summary.chance.scaled(to: Double(seedCount)))
        let manifest = SweepManifest(identity: whole, historyFile: first.manifest.historyFile,
                                     chunkSize: first.manifest.chunkSize, strategy: first.manifest.strategy,
                                     champion: first.manifest.champion)
        try SweepFileCoding.write(manifest, to: FilePath(output).appending(SweepManifest.fileName))
        try SweepFileCoding.write(summary, to: FilePath(output).appending(SweepSummary.fileName))
        return summary
    }
}
