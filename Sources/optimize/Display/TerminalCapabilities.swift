import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What one output stream can show, decided once for the monitor and the progress lines alike
/// (README, "Monitoring a run"):
///
/// - **width**: the terminal's columns (`TIOCGWINSZ` on the stream), else `COLUMNS`, else 80;
///   asked again at every redraw, so a resized terminal is followed. No line is drawn wider
///   (``fit(_:)`` truncates: a wrapped line leaves a trail of broken lines behind a redraw).
/// - **unicode**: block bars and arrows only when LC_ALL, LC_CTYPE or LANG (the first set) names
///   UTF-8 and `TERM` is set and is not `dumb` or `linux` (the Linux console's font lacks them);
///   ASCII otherwise.
/// - **colour**: ANSI colour only on a terminal, and never when `NO_COLOR` is set (any value).
struct TerminalCapabilities: Sendable {
    /// Whether the stream is a terminal (redraw in place) or a file or pipe (plain lines).
    let isTerminal: Bool
    let unicode: Bool
    let colour: Bool
    private let descriptor: Int32
    private let columnsVariable: Int?

    /// The capabilities of file descriptor `descriptor` (standard output or standard error).
    init(descriptor: Int32, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.descriptor = descriptor
        isTerminal = isatty(descriptor) != 0
        let locale = ["LC_ALL", "LC_CTYPE", "LANG"].lazy.compactMap { environment[$0] }.first { !$0.isEmpty } ?? ""
        let names = locale.lowercased()
        let term = environment["TERM"] ?? ""
        unicode = (names.contains("utf-8") || names.contains("utf8")) && !["", "dumb", "linux"].contains(term)
        colour = isTerminal && environment["NO_COLOR"] == nil
        columnsVariable = environment["COLUMNS"].flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil }
    }

    static var standardOutput: TerminalCapabilities { TerminalCapabilities(descriptor: STDOUT_FILENO) }
    static var standardError: TerminalCapabilities { TerminalCapabilities(descriptor: STDERR_FILENO) }

    /// The columns to draw in, now.
    var width: Int {
        var size = winsize()
        if isTerminal, ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return columnsVariable ?? 80
    }

    /// The rows of the terminal, when known.
    var height: Int? {
        var size = winsize()
        if isTerminal, ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 0 { return Int(size.ws_row) }
        return nil
    }

    /// `line` cut to `width` columns (one column a character: the tool prints no wide characters),
    /// ending in `~` when cut, so that it never wraps.
    static func fit(_ line: String, width: Int) -> String {
        guard width > 0 else { return "" }
        guard line.count > width else { return line }
        return String(line.prefix(width - 1)) + "~"
    }

    func fit(_ line: String, width: Int? = nil) -> String { Self.fit(line, width: width ?? self.width) }

    /// A progress bar of `width` cells, `fraction` (0…1) of it filled: `█░` (with eighths) or `#.`.
    func bar(_ fraction: Double, width: Int) -> String {
        guard width > 0 else { return "" }
        let share = fraction.isFinite ? min(max(fraction, 0), 1) : 0
        guard unicode else {
            let filled = Int(share * Double(width))
            return String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        }
        let eighths = Int(share * Double(width * 8))
        let full = eighths / 8
        let partials = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        let partial = full < width ? partials[eighths % 8] : ""
        let used = full + (partial.isEmpty ? 0 : 1)
        return String(repeating: "█", count: full) + partial + String(repeating: "░", count: width - used)
    }

    /// An arrow for a rising, falling or flat trend: `↑ ↓ →`, or `^ v -`.
    func arrow(_ trend: Int) -> String {
        switch (trend.signum(), unicode) {
        case (1, true): "↑"
        case (-1, true): "↓"
        case (_, true): "→"
        case (1, false): "^"
        case (-1, false): "v"
        default: "-"
        }
    }

    /// The ellipsis, or `...` in ASCII.
    var ellipsis: String { unicode ? "…" : "..." }

    /// ANSI colours the monitor uses.
    enum Colour: String {
        case green = "32", yellow = "33", red = "31", bold = "1", dim = "2"
    }

    /// `text` in `colour` when colour is allowed, else as is. The escape codes take no columns:
    /// colour whole fitted lines or cells, never text that ``fit(_:)`` cuts afterwards.
    func paint(_ text: String, _ colour: Colour) -> String {
        self.colour ? "\u{1B}[\(colour.rawValue)m\(text)\u{1B}[0m" : text
    }
}
