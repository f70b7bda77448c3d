import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A tmux server of its own (`tmux -L SOCKET`) running one command in a detached pane of a given
/// size, for tests of what a user's terminal shows: ``capture()`` is the pane's text,
/// ``resize(width:)`` and ``send(keys:)`` act as the user would. ``kill()`` ends the server
/// (call it in a `defer`: a failing test must not leave one running).
struct Tmux {
    let socket = "optimize-test-\(UUID().uuidString.prefix(8))"

    /// tmux's path, or `nil` when it is not installed.
    static var path: String? { Optimize.executable(named: "tmux") }

    /// tmux's path; a test that needs it fails (not skips) when it is missing.
    static func required() throws -> String {
        try #require(path, "tmux is not installed: these tests drive a real terminal through it (apt-get install -y tmux; .ci/run installs it)")
    }

    /// Runs `tmux -L socket arguments…` and returns what it printed.
    ///
    /// Spawned with every signal unblocked and at its default: a test runner's threads block
    /// signals, and the server `new-session` starts (and every program in its panes) would inherit
    /// that mask: Ctrl-C, SIGHUP and SIGWINCH would never reach them. Its output goes to a file, not
    /// a pipe, and the client is waited for with waitpid: the server keeps the client's descriptors.
    @discardableResult
    func tmux(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let path = try Self.required()
        let capture = FileManager.default.temporaryDirectory.appendingPathComponent("tmux-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: capture) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, capture, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = ([path, "-L", socket, "-f", "/dev/null"] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, path, &actions, &attributes, argv, environ)
        try #require(spawned == 0, "could not start tmux: error \(spawned)")
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let output = (try? String(contentsOfFile: capture, encoding: .utf8)) ?? ""
        // WIFEXITED / WEXITSTATUS by hand (the macros are not imported).
        return ((status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f), output)
    }

    /// Starts `command` (a shell command line) in a new detached session of `width` × `height`.
    func start(_ command: String, width: Int = 100, height: Int = 30) throws {
        let result = try tmux(["new-session", "-d", "-x", "\(width)", "-y", "\(height)", command])
        try #require(result.status == 0, "tmux new-session failed: \(result.output)")
    }

    /// The pane's rows (trailing blanks trimmed by tmux); with `escapes`, its colours and
    /// attributes as escape sequences.
    func capture(escapes: Bool = false) throws -> [String] {
        let result = try tmux(["capture-pane", "-p"] + (escapes ? ["-e"] : []))
        return result.output.components(separatedBy: "\n")
    }

    func resize(width: Int) throws { try tmux(["resize-window", "-x", "\(width)"]) }

    func send(keys: String) throws { try tmux(["send-keys", keys]) }

    /// A pane variable (`#{cursor_flag}`, `#{pane_width}`, …).
    func variable(_ name: String) throws -> String {
        try tmux(["display-message", "-p", "#{\(name)}"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Waits (up to `seconds`) until the pane's rows satisfy `condition`; returns the last rows seen.
    @discardableResult
    func wait(seconds: Double = 30, until condition: ([String]) -> Bool) throws -> [String] {
        let deadline = Date().addingTimeInterval(seconds)
        var rows = try capture()
        while !condition(rows) && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.1)
            rows = try capture()
        }
        return rows
    }

    /// Ends the server and removes its socket file (tmux leaves it behind when killed).
    func kill() {
        _ = try? tmux(["kill-server"])
        let base = ProcessInfo.processInfo.environment["TMUX_TMPDIR"] ?? "/tmp"
        try? FileManager.default.removeItem(atPath: "\(base)/tmux-\(getuid())/\(socket)")
    }
}
