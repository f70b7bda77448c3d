import Foundation
import Sieve

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Shows a sweep's progress on standard error: a bar redrawn in place on a terminal, a plain line
/// every few seconds otherwise (logs, pipes, CI).
///
/// The sweep reports within chunks too (``SieveSweep/Progress/seedsSwept``), so the bar moves between
/// checkpoints. On a terminal the line is cut to the terminal's width (asked at every redraw, so a
/// resize is followed) and never wraps; the bar is ASCII unless the locale and `TERM` show Unicode
/// (``TerminalCapabilities``).
final class ProgressDisplay {
    private let terminal = TerminalCapabilities.standardError
    private var isTerminal: Bool { terminal.isTerminal }
    private let started = Date()
    private var lastShown = Date.distantPast
    private let label: String

    init(label: String) { self.label = label }

    func update(_ progress: SieveSweep.Progress) {
        let now = Date()
        let finished = progress.seedsDone == progress.seedsTotal
        let interval = isTerminal ? 0.2 : 10.0
        guard finished || now.timeIntervalSince(lastShown) >= interval else { return }
        lastShown = now
        let elapsed = max(now.timeIntervalSince(started), 1e-9)
        let rate = Double(progress.seedsSweptThisRun) / elapsed
        let fraction = progress.seedsTotal == 0 ? 1 : Double(progress.seedsSwept) / Double(progress.seedsTotal)
        let remaining = Double(progress.seedsTotal - progress.seedsSwept)
        let eta = rate > 0 ? Self.duration(remaining / rate) : "?"
        let counts = "survivors \(progress.forward) forward, \(progress.bidirectional) bidirectional"
        let seeds = "\(Self.count(Double(progress.seedsSwept)))/\(Self.count(Double(progress.seedsTotal))) seeds"
        let speed = "\(Self.count(rate)) seeds/s"
        if isTerminal {
            let width = terminal.width
            // The bar shrinks on narrow terminals; the last column stays free (no pending wrap).
            let barWidth = max(4, min(24, width / 5))
            let bar = terminal.bar(fraction, width: barWidth)
            let line = "\(label) [\(bar)] \(String(format: "%5.1f", fraction * 100))% \(seeds) \(speed) ETA \(eta) \(counts)"
            FileHandle.standardError.write(Data(("\r" + terminal.fit(line, width: width - 1) + "\u{1B}[K" + (finished ? "\n" : "")).utf8))
        } else {
            let line = "\(label): \(String(format: "%.1f", fraction * 100))% \(seeds), \(speed), ETA \(eta), \(counts)\n"
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    /// Ends a bar left open (an interrupted run).
    func finish() {
        if isTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    static func count(_ value: Double) -> String {
        switch value {
        case ..<1e3: String(format: "%.0f", value)
        case ..<1e6: String(format: "%.1fk", value / 1e3)
        case ..<1e9: String(format: "%.1fM", value / 1e6)
        default: String(format: "%.2fG", value / 1e9)
        }
    }

    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
