import Foundation

/// ISO 8601 times in UTC with milliseconds (`2026-11-22T00:40:00.000Z`), as every file writes them.
///
/// ```swift
/// Timestamp.string(Date(timeIntervalSince1970: 0))   // "1970-01-01T00:00:00.000Z"
/// Timestamp.date("1970-01-01T00:00:00.000Z")         // 1970-01-01 00:00:00 +0000
/// Timestamp.day(Date(timeIntervalSince1970: 0))      // "1970-01-01"
/// ```
public enum Timestamp {
    private static let style = Date.ISO8601FormatStyle.iso8601.year().month().day()
        .time(includingFractionalSeconds: true).timeZone(separator: .omitted)
    private static let wholeSeconds = Date.ISO8601FormatStyle.iso8601.year().month().day()
        .time(includingFractionalSeconds: false).timeZone(separator: .omitted)

    /// The time `date`, as text, to the nearest millisecond.
    public static func string(_ date: Date) -> String {
        // The formatter truncates to the millisecond, and most milliseconds lie just below their
        // decimal value in binary (1.858 s is 1.85799…): it wrote 1.857, and a text read back came
        // out one millisecond earlier each time. Round, and write the milliseconds here.
        let milliseconds = (date.timeIntervalSince1970 * 1000).rounded()
        let seconds = (milliseconds / 1000).rounded(.down)
        let fraction = String(Int(milliseconds - seconds * 1000))
        let text = Date(timeIntervalSince1970: seconds).formatted(wholeSeconds)  // 2026-11-22T00:40:00Z
        return text.dropLast() + "." + String(repeating: "0", count: 3 - fraction.count) + fraction + "Z"
    }

    /// The UTC day of `date`, as `yyyy-mm-dd` (the dates of draw histories).
    public static func day(_ date: Date) -> String { date.formatted(dayStyle) }

    private static let dayStyle = Date.ISO8601FormatStyle.iso8601.year().month().day()

    /// Now, as text.
    public static func now() -> String { string(Date()) }

    /// The time `date` with a numeric offset (`2026-11-22T00:40:00.000+00:00`), the form the
    /// reference's readers parse (Python's `datetime.fromisoformat` before 3.11 refuses `Z`).
    public static func withOffset(_ date: Date) -> String { string(date).dropLast() + "+00:00" }

    /// A text written by ``string(_:)`` with a numeric offset instead of `Z`; any other text as it is.
    public static func withOffset(_ text: String) -> String { text.hasSuffix("Z") ? text.dropLast() + "+00:00" : text }

    /// The time a text written by ``string(_:)`` names, or nil when it is not one.
    public static func date(_ string: String) -> Date? { try? Date(string, strategy: style) }
}
