/// The journal line format of version 0.1.0 (`JSON<TAB>CRC-32\n`), read only to convert it:
/// ``migrate(under:)`` rewrites every such `chunks.journal` in the current ``Journal`` format,
/// which is what `optimize migrate` runs.
public enum LegacySweepJournal {
    /// Converts every `chunks.journal` in the old format under `directory` (a sweep, or a search
    /// run whose trials are sweeps), each atomically; returns the files converted.
    ///
    /// The old format's damage policy is kept for its last time: the longest prefix of intact,
    /// consecutive lines is the journal (a torn or damaged tail is dropped, as a resume of that
    /// version would have).
    public static func migrate(under directory: FilePath) throws(InputError) -> [FilePath] {
        var converted: [FilePath] = []
        for path in journals(under: directory, depth: 3) {
            guard let bytes = try FileIO.contents(of: path), bytes.first == UInt8(ascii: "{") else { continue }
            var output: [UInt8] = []
            for line in intactLines(bytes) { output += Journal.line(line) }
            try AtomicFile.write(output, to: path)
            converted.append(path)
        }
        return converted
    }

    /// The records of the longest prefix of intact lines.
    static func intactLines(_ bytes: [UInt8]) -> [JSONValue] {
        var records: [JSONValue] = []
        var start = 0
        while let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) {
            let line = bytes[start..<newline]
            guard let tab = line.lastIndex(of: UInt8(ascii: "\t")),
                  let crc = UInt32(String(decoding: line[line.index(after: tab)...], as: UTF8.self), radix: 16),
                  CRC32.checksum(line[..<tab]) == crc,
                  let record = try? JSONReader.parse(line[..<tab]),
                  record["chunk"]?.integer == records.count
            else { break }
            records.append(record)
            start = newline + 1
        }
        return records
    }

    private static func journals(under directory: FilePath, depth: Int) -> [FilePath] {
        var found: [FilePath] = []
        let journal = directory.appending(SweepJournal.fileName)
        if FileIO.size(of: journal) != nil { found.append(journal) }
        guard depth > 0, let names = FileIO.directoryEntries(directory) else { return found }
        for name in names.sorted() where !name.hasPrefix(".") {
            let child = directory.appending(name)
            if FileIO.isDirectory(child) { found += journals(under: child, depth: depth - 1) }
        }
        return found
    }
}
