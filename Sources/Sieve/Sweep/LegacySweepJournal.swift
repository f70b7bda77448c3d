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
    ///
    /// Each directory it rewrites is locked first (`run.lock` for the search run given, else
    /// `sweep.lock`; `sweep.lock` in each trial's sweep): a directory another process writes is
    /// refused with `runBusy` before anything is changed.
    public static func migrate(under directory: FilePath) throws(InputError) -> [FilePath] {
        var converted: [FilePath] = []
        var found: [FilePath] = []
        for path in try journals(under: directory, depth: 3) where try isLegacy(path) { found.append(path) }
        guard !found.isEmpty else { return [] }
        let isRun = FileIO.size(of: directory.appending("run.json")) != nil
        var locks = [try DirectoryLock(directory: directory, name: isRun ? DirectoryLock.run : DirectoryLock.sweep,
                                       holder: isRun ? "search run" : "sweep")]
        for path in found where path.removingLastComponent() != directory {
            locks.append(try SieveSweep.lock(directory: path.removingLastComponent().string))
        }
        defer { withExtendedLifetime(locks) {} }
        for path in found {
            guard let bytes = try FileIO.contents(of: path), bytes.first == UInt8(ascii: "{") else { continue }
            var output: [UInt8] = []
            for line in intactLines(bytes) { output += Journal.line(line) }
            try AtomicFile.write(output, to: path)
            converted.append(path)
        }
        return converted
    }

    private static func isLegacy(_ path: FilePath) throws(InputError) -> Bool {
        try FileIO.contents(of: path)?.first == UInt8(ascii: "{")
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

    private static func journals(under directory: FilePath, depth: Int) throws(InputError) -> [FilePath] {
        var found: [FilePath] = []
        let journal = directory.appending(SweepJournal.fileName)
        if FileIO.size(of: journal) != nil { found.append(journal) }
        guard depth > 0, let names = FileIO.directoryEntries(directory) else { return found }
        for name in names.sorted() where !name.hasPrefix(".") {
            let child = directory.appending(name)
            if FileIO.isDirectory(child) { found += try journals(under: child, depth: depth - 1) }
        }
        return found
    }
}
