import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The monitor's standard output and keyboard: frames redrawn in place on a terminal (cursor home,
/// each line cleared to its end, the rest of the screen cleared; the cursor hidden meanwhile), plain
/// frames separated by a blank line otherwise; `q` (or Ctrl-C, SIGTERM) ends it, a resize
/// (SIGWINCH) redraws at once. ``restore()`` gives the terminal back as it was.
final class MonitorScreen {
    let terminal = TerminalCapabilities.standardOutput
    /// Whether keys are read: standard input is a terminal (put in non-canonical mode, no echo).
    let readsKeys: Bool
    private var saved: termios?
    private var framesDrawn = 0

    /// Signals that end the monitor: Ctrl-C, `kill`, the terminal closing.
    private static let stopSignals = [SIGINT, SIGTERM, SIGHUP]

    /// Set by the signal handlers; read by the loop.
    private static let resized = Atomic<Bool>(false)
    private static let stopped = Atomic<Bool>(false)

    init() {
        readsKeys = isatty(STDIN_FILENO) != 0
        // Touch the flags before any handler can run (their storage is made lazily).
        _ = Self.resized.load(ordering: .relaxed)
        _ = Self.stopped.load(ordering: .relaxed)
        signal(SIGWINCH) { _ in MonitorScreen.resized.store(true, ordering: .relaxed) }
        for number in Self.stopSignals { signal(number) { _ in MonitorScreen.stopped.store(true, ordering: .relaxed) } }
        // A parent may hand over these signals blocked (a program started from a thread that
        // blocks them): unblocked on this thread, they interrupt the wait at once.
        var handled = sigset_t()
        sigemptyset(&handled)
        for number in Self.stopSignals + [SIGWINCH] { sigaddset(&handled, number) }
        pthread_sigmask(SIG_UNBLOCK, &handled, nil)
        if readsKeys {
            var settings = termios()
            if tcgetattr(STDIN_FILENO, &settings) == 0 {
                saved = settings
                // Keys one at a time, unechoed; Ctrl-C still raises SIGINT (ISIG is kept).
                settings.c_lflag &= ~tcflag_t(ICANON | ECHO)
                withUnsafeMutableBytes(of: &settings.c_cc) { cc in
                    cc[Int(VMIN)] = 0
                    cc[Int(VTIME)] = 0
                }
                tcsetattr(STDIN_FILENO, TCSANOW, &settings)
            }
        }
        if terminal.isTerminal { write("\u{1B}[?25l\u{1B}[2J") }
    }

    /// Whether the monitor should end (`q`, Ctrl-C, SIGTERM).
    var shouldStop: Bool { Self.stopped.load(ordering: .relaxed) }

    /// Draws one frame of `lines` (already cut to ``TerminalCapabilities/width``).
    func draw(_ lines: [String]) {
        if terminal.isTerminal {
            // No more lines than rows (one kept free): a scrolled screen cannot be redrawn in place.
            let shown = terminal.height.map { Array(lines.prefix(max(1, $0 - 1))) } ?? lines
            write("\u{1B}[H" + shown.map { $0 + "\u{1B}[K\r\n" }.joined() + "\u{1B}[J")
        } else {
            write((framesDrawn > 0 ? "\n" : "") + lines.map { $0 + "\n" }.joined())
        }
        framesDrawn += 1
    }

    /// Clears the screen before the next frame (after a resize the terminal may have rewrapped the last).
    func clear() {
        if terminal.isTerminal { write("\u{1B}[2J") }
    }

    /// Waits up to `seconds` for a key, a resize or a signal; `true` when the frame should be
    /// redrawn early (resized), and sets ``shouldStop`` on `q`.
    func wait(_ seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while !shouldStop {
            if Self.resized.exchange(false, ordering: .relaxed) { return true }
            let left = deadline.timeIntervalSinceNow
            if left <= 0 { return false }
            var descriptor = pollfd(fd: readsKeys ? STDIN_FILENO : -1, events: Int16(POLLIN), revents: 0)
            // Short slices: a signal that lands between the checks and poll() is seen within 0.1 s.
            let ready = poll(&descriptor, 1, Int32(min(left, 0.1) * 1000) + 1)
            if ready > 0, descriptor.revents & Int16(POLLIN) != 0 {
                var byte: UInt8 = 0
                let count = read(STDIN_FILENO, &byte, 1)
                if count == 1, byte == UInt8(ascii: "q") || byte == UInt8(ascii: "Q") || byte == 3 {
                    Self.stopped.store(true, ordering: .relaxed)
                } else if count == 0 {
                    // End of input (a closed terminal): keys can no longer come.
                    Thread.sleep(forTimeInterval: min(max(left, 0), 0.1))
                }
            }
        }
        return false
    }

    /// Shows the cursor, leaves the last frame on the screen and restores the keyboard's settings.
    func restore() {
        if terminal.isTerminal { write("\u{1B}[?25h") }
        if var saved { tcsetattr(STDIN_FILENO, TCSANOW, &saved) }
        saved = nil
        for number in Self.stopSignals + [SIGWINCH] { signal(number, SIG_DFL) }
    }

    private func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
