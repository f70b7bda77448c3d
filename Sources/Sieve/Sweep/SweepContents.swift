import Foundation

/// A sweep directory's survivors as its files promise them, checked before a record is believed:
/// the journal's chunks in sequence and contiguous over the manifest's seeds, the survivor file at
/// least as long as the journal records, the summary (when there is one) agreeing with the
/// journal, any length another file promises (a trial's record) agreeing too, and every chunk's
/// bytes matching the CRC-32 its journal line records (lines written before the field, by 0.1.0,
/// have none) and holding seeds of the chunk's range, ascending.
///
/// Every reader of survivors goes through it (`optimize survivors`, the report of a complete
/// `sieve`, a resume, `merge`, a search's trials, `summarize`, `export`): damage is refused with
/// ``InputError/Kind/damagedOutputDirectory``, naming the file and the offset, never read as data.
///
/// ```swift
/// let contents = try SweepContents(directory: "out")
/// try contents.forEach { record in print(record.seed); return true }
/// ```
public struct SweepContents: Sendable {
    public let directory: String
    public let manifest: SweepManifest
    public let entries: [SweepJournal.Entry]
    public let summary: SweepSummary?
    /// The survivor file's bytes the journal records.
    public var length: UInt64 { entries.last?.bytes ?? 0 }

    public var survivorPath: String { (directory as NSString).appendingPathComponent(SieveSweep.survivorFileName) }
    var journalPath: String { (directory as NSString).appendingPathComponent(SweepJournal.fileName) }

    static let fix = "restore the directory from a backup, or delete it and run the sweep again"

    /// Reads and checks the files of the sweep in `directory` (the survivor bytes themselves are
    /// checked by ``verify()`` and ``forEach(_:)``).
    ///
    /// - Parameters:
    ///   - promisedBytes: the survivor bytes another file records for this sweep (a trial's record).
    ///   - promisedBy: that file, for messages.
    ///   - readingLegacy: read a journal of version 0.1.0 as it is (a search run's trials, which
    ///     `summarize` and `export` read before `optimize migrate`); otherwise it is refused with
    ///     the migrate hint.
    public init(directory: String, promisedBytes: UInt64? = nil, promisedBy: String? = nil,
                readingLegacy: Bool = false) throws(InputError) {
        let manifestPath = FilePath(directory).appending(SweepManifest.fileName)
        guard let manifest = try SweepFileCoding.read(SweepManifest.self, at: manifestPath,
                                                      fix: "give the --out directory of an `optimize sieve` run") else {
            throw InputError(.unreadableFile, source: directory, problem: "holds no sweep (no sweep.json)",
                             fix: "give the --out directory of an `optimize sieve` run")
        }
        let journal = FilePath(directory).appending(SweepJournal.fileName)
        let entries: [SweepJournal.Entry]
        if readingLegacy, let legacy = try SweepJournal.readLegacy(journal) { entries = legacy } else { entries = try SweepJournal.read(journal) }
        let summary = try SweepFileCoding.read(SweepSummary.self, at: FilePath(directory).appending(SweepSummary.fileName),
                                               fix: "delete summary.json and run the sweep again to rebuild it")
        try self.init(directory: directory, manifest: manifest, entries: entries, summary: summary)
        if let promisedBytes, promisedBytes != length {
            throw InputError(.damagedOutputDirectory, source: journalPath,
                             problem: "records \(length) bytes of survivors, but \(promisedBy ?? "the run") records \(promisedBytes)",
                             fix: Self.fix)
        }
    }

    /// Checks entries already read (a resume's, from its open journal).
    init(directory: String, manifest: SweepManifest, entries: [SweepJournal.Entry], summary: SweepSummary?) throws(InputError) {
        self.directory = directory
        self.manifest = manifest
        self.entries = entries
        self.summary = summary
        let seeds = manifest.identity.sweptSeeds
        try Self.checkLayout(entries, seeds: seeds, journal: journalPath)
        let onDisk = FileIO.size(of: FilePath(survivorPath)) ?? 0
        guard onDisk >= length else {
            throw InputError(.damagedOutputDirectory, source: "\(survivorPath): byte \(onDisk)",
                             problem: "the file ends there, but \(journalPath) records \(length) bytes of survivors",
                             fix: Self.fix)
        }
        if let summary {
            let last = entries.last
            guard let last, last.last == seeds.last, summary.survivorBytes == length,
                  summary.records >= 0, UInt64(summary.records) == length / UInt64(SurvivorRecord.encodedSize), summary.forward == last.forward
            else {
                let summaryPath = (directory as NSString).appendingPathComponent(SweepSummary.fileName)
                throw InputError(.damagedOutputDirectory, source: summaryPath,
                                 problem: "records \(summary.survivorBytes) bytes of survivors of a complete sweep, but \(journalPath) records \(length) bytes in \(entries.count) chunks ending at seed \(entries.last.map { String($0.last) } ?? "none") of \(seeds)",
                                 fix: Self.fix)
            }
        }
    }

    /// Refuses journal entries that do not tile the swept seeds from their first: each chunk
    /// starts where the one before ended, within the seeds, with no more records than seeds.
    static func checkLayout(_ entries: [SweepJournal.Entry], seeds: SeedRange, journal: String) throws(InputError) {
        var next: UInt64? = seeds.first
        for (index, entry) in entries.enumerated() {
            guard let expected = next, entry.first == expected, entry.last >= entry.first, entry.last <= seeds.last,
                  entry.last - entry.first == .max || UInt64(entry.records) <= entry.last - entry.first + 1
            else {
                throw InputError(.damagedOutputDirectory, source: "\(journal): line \(index + 1)",
                                 problem: "chunk \(entry.chunk) covers seeds \(entry.first)...\(entry.last) with \(entry.records) records, but should start at seed \(next.map(String.init) ?? "none (the chunks before end the sweep)") of \(seeds)",
                                 fix: fix)
            }
            next = entry.last == seeds.last ? nil : entry.last + 1
        }
    }

    /// Reads every journaled chunk's survivor bytes (or those of `chunks`) and checks them
    /// against the journal: its CRC-32, its seeds within its range and ascending.
    public func verify(chunks: Range<Int>? = nil) throws(InputError) {
        let chunks = chunks ?? 0..<entries.count
        guard !chunks.isEmpty else { return }
        let path = survivorPath
        let descriptor: FileDescriptor
        do { descriptor = try FileDescriptor.open(FilePath(path), .readOnly, options: [.noFollow, .closeOnExec]) } catch {
            throw InputError(.unreadableFile, source: path, problem: "cannot open the survivor file (\(error))",
                             fix: "give the directory of a sweep (it holds survivors.bin)")
        }
        defer { try? descriptor.close() }
        var offset: UInt64 = chunks.lowerBound == 0 ? 0 : entries[chunks.lowerBound - 1].bytes
        var buffer = [UInt8](repeating: 0, count: 4096 * SurvivorRecord.encodedSize)
        for entry in entries[chunks] {
            let start = offset
            var crc = CRC32.start
            var previous: UInt64?
            while offset < entry.bytes {
                let want = Int(min(UInt64(buffer.count), entry.bytes - offset))
                let got: Int
                do {
                    got = try buffer.withUnsafeMutableBytes { raw in
                        try descriptor.read(fromAbsoluteOffset: Int64(offset),
                                            into: UnsafeMutableRawBufferPointer(rebasing: raw[0..<want]))
                    }
                } catch {
                    throw InputError(.unreadableFile, source: "\(path): byte \(offset)", problem: "cannot be read (\(error))",
                                     fix: "check the disk")
                }
                guard got > 0 else {
                    throw InputError(.damagedOutputDirectory, source: "\(path): byte \(offset)",
                                     problem: "the file ends inside chunk \(entry.chunk), which \(journalPath) records up to byte \(entry.bytes)",
                                     fix: Self.fix)
                }
                crc = CRC32.update(crc, buffer[0..<got])
                let whole = got / SurvivorRecord.encodedSize * SurvivorRecord.encodedSize
                for at in stride(from: 0, to: whole, by: SurvivorRecord.encodedSize) {
                    let record = SurvivorRecord(decoding: buffer[at..<(at + SurvivorRecord.encodedSize)])
                    guard record.seed >= entry.first, record.seed <= entry.last, previous.map({ record.seed > $0 }) ?? true else {
                        throw InputError(.damagedOutputDirectory, source: "\(path): byte \(offset + UInt64(at))",
                                         problem: "holds seed \(record.seed), not a survivor of chunk \(entry.chunk) (seeds \(entry.first)...\(entry.last), ascending) as \(journalPath) records it",
                                         fix: Self.fix)
                    }
                    previous = record.seed
                }
                guard whole == got else {
                    throw InputError(.damagedOutputDirectory, source: "\(path): byte \(offset + UInt64(whole))",
                                     problem: "the file ends inside a record", fix: Self.fix)
                }
                offset += UInt64(got)
            }
            let actual = CRC32.hex(CRC32.finish(crc))
            if let recorded = entry.crc32, recorded != actual {
                throw InputError(.damagedOutputDirectory, source: "\(path): bytes \(start)..<\(entry.bytes)",
                                 problem: "chunk \(entry.chunk)'s survivors do not match the CRC-32 \(journalPath) records for them (\(actual), not \(recorded))",
                                 fix: Self.fix)
            }
        }
    }

    /// Calls `body` with every record the journal records, in order, until it returns `false`,
    /// once ``verify()`` has checked them all.
    public func forEach(_ body: (SurvivorRecord) throws -> Bool) throws {
        try verify()
        try SurvivorFile.forEach(path: survivorPath, length: length, body)
    }
}
