/// The journal of a sweep's completed chunks (`chunks.journal`, a ``Journal``): one record per
/// chunk, appended after the chunk's survivors are on disk.
///
/// Entries must run 0, 1, 2, … with growing byte counts; a journal that breaks that sequence is
/// refused as damaged, naming the line.
public enum SweepJournal {
    /// One completed chunk, with running totals up to and including it.
    public struct Entry: Codable, Sendable, Equatable {
        public let chunk: Int
        public let first: UInt64
        public let last: UInt64
        /// Survivor records of this chunk.
        public let records: Int
        /// The survivor file's length once this chunk is written.
        public let bytes: UInt64
        /// Running totals of survivors that passed each test.
        public let forward: Int
        public let reverse: Int
        public let bidirectional: Int
        /// The CRC-32 of this chunk's survivor bytes (8 hexadecimal digits); journals written
        /// before the field have none, and their chunks are checked for length and order only.
        public var crc32: String? = nil
    }

    public static let fileName = "chunks.journal"

    /// The entries of an open journal, checked for sequence.
    public static func entries(of journal: Journal) throws(InputError) -> [Entry] {
        try entries(in: journal.contents(), source: journal.path.string)
    }

    /// The entries of the journal at `path` (read-only; none when there is no file).
    public static func read(_ path: FilePath) throws(InputError) -> [Entry] {
        try entries(in: Journal.read(path, damage: .damagedOutputDirectory), source: path.string)
    }

    /// Opens the journal at `path` for appending.
    public static func open(_ path: FilePath) throws(InputError) -> Journal {
        try Journal(appendingTo: path, damage: .damagedOutputDirectory)
    }

    /// Appends `entry`.
    public static func append(_ entry: Entry, to journal: Journal) throws(InputError) {
        try journal.append(SweepFileCoding.encoder.encode(entry))
    }

    /// The entries of a journal in the format of version 0.1.0 (``LegacySweepJournal``), read
    /// only (as a migration would keep them), for the readers of a run not yet migrated.
    static func readLegacy(_ path: FilePath) throws(InputError) -> [Entry]? {
        guard let bytes = try FileIO.contents(of: path, followingLinks: false), bytes.first == UInt8(ascii: "{") else { return nil }
        return try entries(in: LegacySweepJournal.intactLines(bytes), source: path.string)
    }

    private static func entries(in contents: Journal.Contents, source: String) throws(InputError) -> [Entry] {
        try entries(in: contents.records, source: source)
    }

    private static func entries(in records: [JSONValue], source: String) throws(InputError) -> [Entry] {
        var entries: [Entry] = []
        for (index, record) in records.enumerated() {
            let place = "\(source): line \(index + 1)"
            let entry = try SweepFileCoding.decoder.decode(Entry.self, from: record, source: place, kind: .damagedOutputDirectory)
            let previousBytes = entries.last?.bytes ?? 0
            guard entry.chunk == index, entry.records >= 0, entry.bytes >= previousBytes,
                  (entry.bytes - previousBytes) == UInt64(entry.records) * UInt64(SurvivorRecord.encodedSize)
            else {
                throw InputError(.damagedOutputDirectory, source: place,
                                 problem: "chunk \(entry.chunk) with \(entry.records) records ending at byte \(entry.bytes) does not follow chunk \(index - 1) ending at byte \(previousBytes)",
                                 fix: "restore the directory from a backup, or delete it and run the sweep again")
            }
            entries.append(entry)
        }
        return entries
    }
}
