import Foundation

/// A sweep's survivors as JSON (an array of objects) or CSV (a header row, then a row per
/// survivor), streamed: any number of survivors. Only the chunks the sweep's journal records as
/// complete are read, so a running sweep can be exported too (`optimize survivors DIR`).
public enum SurvivorExport {
    public enum Format: String, Sendable, CaseIterable {
        case json, csv
    }

    /// Writes the survivors of the sweep in `directory` that passed `test` (every survivor when
    /// `nil`), in pieces, to `write`.
    ///
    /// - Throws: ``InputError`` (`unreadableFile`) when `directory` holds no sweep or its survivor
    ///   file cannot be read; `damagedOutputDirectory` when its files disagree (``SweepContents``).
    public static func write(sweep directory: String, format: Format, passing test: SurvivorRecord.Passed? = nil,
                             to write: (String) -> Void) throws {
        // Checked whole before the first byte is written: damage is refused, never half exported.
        let contents = try SweepContents(directory: directory)
        try contents.verify()
        var first = true
        if format == .json { write("[") } else {
            write("seed,passed,forward_skip,forward_matches,reverse_skip,reverse_matches,bidirectional_skip,bidirectional_forward,bidirectional_reverse\n")
        }
        try SurvivorFile.forEach(path: contents.survivorPath, length: contents.length) { r in
            if let test, !r.passed.contains(test) { return true }
            let passed = [(SurvivorRecord.Passed.forward, "forward"), (.reverse, "reverse"), (.bidirectional, "bidirectional")]
                .filter { r.passed.contains($0.0) }.map(\.1)
            func field(_ test: SurvivorRecord.Passed, _ value: UInt32) -> String {
                r.passed.contains(test) ? String(value) : (format == .json ? "null" : "")
            }
            if format == .json {
                write((first ? "\n" : ",\n") + "  {\"seed\": \(r.seed), \"passed\": [\(passed.map { "\"\($0)\"" }.joined(separator: ", "))], "
                    + "\"forward_skip\": \(field(.forward, r.forwardSkip)), \"forward_matches\": \(field(.forward, r.forwardMatches)), "
                    + "\"reverse_skip\": \(field(.reverse, r.reverseSkip)), \"reverse_matches\": \(field(.reverse, r.reverseMatches)), "
                    + "\"bidirectional_skip\": \(field(.bidirectional, r.bidirectionalSkip)), "
                    + "\"bidirectional_forward\": \(field(.bidirectional, r.bidirectionalForward)), "
                    + "\"bidirectional_reverse\": \(field(.bidirectional, r.bidirectionalReverse))}")
            } else {
                write("\(r.seed),\(passed.joined(separator: "+")),\(field(.forward, r.forwardSkip)),\(field(.forward, r.forwardMatches)),"
                    + "\(field(.reverse, r.reverseSkip)),\(field(.reverse, r.reverseMatches)),\(field(.bidirectional, r.bidirectionalSkip)),"
                    + "\(field(.bidirectional, r.bidirectionalForward)),\(field(.bidirectional, r.bidirectionalReverse))\n")
            }
            first = false
            return true
        }
        if format == .json { write(first ? "]\n" : "\n]\n") }
    }
}
