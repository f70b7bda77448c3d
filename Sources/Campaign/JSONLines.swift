import _OptimizeSupport

/// A file of one JSON object per line that only grows (`candidates.jsonl`, `hard_bank.txt`),
/// appended durably through ``AppendOnlyFile`` by the campaign's one runner (its lock).
///
/// A kill mid-append leaves a torn last line (no newline, or not JSON): readers drop it and the
/// next append cuts it off first, so a line is either whole or absent, and a resume that appends
/// what is missing never writes a line twice.
public enum JSONLines {
    /// The whole lines of the file at `path` (an absent file has none), and where they end.
    ///
    /// - Throws: `damagedOutputDirectory` for a line that is not JSON before the last.
    public static func read(_ path: FilePath) throws(InputError) -> (lines: [JSONValue], goodLength: UInt64) {
        guard let bytes = try FileIO.contents(of: path, followingLinks: false) else { return ([], 0) }
        var lines: [JSONValue] = []
        var start = 0
        var good: UInt64 = 0
        var number = 0
        while start < bytes.count {
            number += 1
            guard let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) else { break }
            guard let value = try? JSONReader.parse(Array(bytes[start..<newline])) else {
                if newline + 1 >= bytes.count { break }  // the last line: an append that never finished
                throw InputError(.damagedOutputDirectory, source: "\(path.string): line \(number)",
                                 problem: "is not a JSON object and lines follow it",
                                 fix: "restore the file from a backup; something other than optimize changed it")
            }
            lines.append(value)
            start = newline + 1
            good = UInt64(start)
        }
        return (lines, good)
    }

    /// Appends `values`, one compact JSON line each, after cutting the file to `goodLength`
    /// (its whole lines, as ``read(_:)`` found them).
    public static func append(_ values: [JSONValue], to path: FilePath, goodLength: UInt64) throws(InputError) {
        guard !values.isEmpty else { return }
        let file = try AppendOnlyFile(path: path, truncatingTo: goodLength)
        try file.append(Array(values.map { $0.text + "\n" }.joined().utf8))
    }
}
