import Foundation

/// The journal of a sweep's completed chunks: one line per chunk, `JSON<TAB>CRC-32\n`, appended
/// (and flushed) after the chunk's survivors are on disk.
///
/// Reading keeps the longest prefix of intact, consecutive entries; a torn or damaged tail (the
/// process died while appending) is dropped and cut off when the sweep resumes.
public struct SweepJournal: Sendable {
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
    }

    public static let fileName = "chunks.journal"

    /// The intact entries, and the byte length of the journal they occupy.
    public static func read(_ path: String) -> (entries: [Entry], validLength: UInt64) {
        guard let data = FileManager.default.contents(atPath: path) else { return ([], 0) }
        var entries: [Entry] = []
        var valid: UInt64 = 0
        var start = data.startIndex
        while let newline = data[start...].firstIndex(of: 0x0A) {
            let line = data[start..<newline]
            guard let tab = line.lastIndex(of: 0x09),
                  let crc = UInt32(String(decoding: line[line.index(after: tab)...], as: UTF8.self), radix: 16),
                  CRC32.checksum(line[..<tab]) == crc,
                  let entry = try? JSONDecoder().decode(Entry.self, from: Data(line[..<tab])),
                  entry.chunk == entries.count
            else { break }
            entries.append(entry)
            start = data.index(after: newline)
            valid = UInt64(data.distance(from: data.startIndex, to: start))
        }
        return (entries, valid)
    }

    /// The journal line of `entry`.
    static func line(_ entry: Entry) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = [UInt8]((try? encoder.encode(entry)) ?? Data())
        let crc = String(CRC32.checksum(json), radix: 16)
        return json + [0x09] + Array((String(repeating: "0", count: 8 - crc.count) + crc).utf8) + [0x0A]
    }
}
