/// The file formats of a draw history (docs/semantics.md §1).
public enum DrawHistoryFormat: String, Sendable, CaseIterable {
    /// The reference system's format: `[{"draw": 843, "session": "midday"}, …]`.
    case json
    /// A header row, then one entry per line: `draw,session`.
    case csv
    /// One draw per line; `#` starts a comment.
    case text

    /// The history as file text, oldest draw first, every entry in `session` (json and csv).
    ///
    /// - Parameters:
    ///   - draws: the draws, oldest first.
    ///   - session: the session name recorded with each draw; plain text records none.
    public func encode(_ draws: [UInt64], session: String) -> String {
        switch self {
        case .json:
            let sessionJSON = JSONWriter.string(session)
            var text = "[\n"
            text.reserveCapacity(draws.count * (24 + session.utf8.count))
            for (index, draw) in draws.enumerated() {
                text += "  {\"draw\": \(draw), \"session\": \(sessionJSON)}"
                text += index + 1 < draws.count ? ",\n" : "\n"
            }
            return text + "]\n"
        case .csv:
            let field = CSVText.field(session)
            return "draw,session\n" + draws.map { "\($0),\(field)\n" }.joined()
        case .text:
            return draws.map { "\($0)\n" }.joined()
        }
    }
}

/// CSV text (RFC 4180 quoting).
enum CSVText {
    /// The field, quoted when it holds a comma, a quote or a line break (scalars, not characters:
    /// "\r\n" is one character, equal to neither "\r" nor "\n").
    static func field(_ value: String) -> String {
        guard value.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
