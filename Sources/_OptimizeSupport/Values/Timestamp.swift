import Foundation

/// ISO 8601 times in UTC with milliseconds (`2026-11-22T00:40:00.000Z`), as every file writes them.
///
/// ```swift
/// Timestamp.string(Date(timeIntervalSince1970: 0))   // "1970-01-01T00:00:00.000Z"
/// Timestamp.date("1970-01-01T00:00:00.000Z")         // 1970-01-01 00:00:00 +0000
/// ```
public enum Timestamp {
    private static let style = Date.ISO8601FormatStyle.iso8601.year().month().day()
        .time(includingFractionalSeconds: true).timeZone(separator: .omitted)

    /// The time `date`, as text.
    public static func string(_ date: Date) -> String { date.formatted(style) }

    /// Now, as text.
    public static func now() -> String { string(Date()) }

    /// The time a text written by ``string(_:)`` names, or nil when it is not one.
    public static func date(_ string: String) -> Date? { try? Date(string, strategy: style) }
}
