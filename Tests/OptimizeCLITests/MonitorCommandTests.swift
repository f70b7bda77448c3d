import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("optimize monitor and the progress lines, in a real terminal (tmux)", .serialized)
struct MonitorCommandTests {
    /// The planted java_lcg history, bounds file and search of SearchCommandTests.
    let search = SearchCommandTests()

    /// A shell word.
    func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// A command line run in `directory` with a fixed locale (LANG only), `TERM` as tmux sets it, and
    /// the tests' metrics store (``Optimize/metricsDirectory``).
    func shell(_ arguments: [String], in directory: URL, lang: String = "C.UTF-8", extra: String = "") -> String {
        "cd \(quoted(directory.path)) && env -u LC_ALL -u LC_CTYPE -u NO_COLOR LANG=\(lang) "
            + "OPTIMIZE_METRICS_DIR=\(quoted(Optimize.metricsDirectory)) \(extra) "
            + ([Optimize.binary.path] + arguments).map(quoted).joined(separator: " ")
    }

    /// Rows of the pane that hold text.
    func text(_ rows: [String]) -> [String] { rows.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty } }

    @Test("the monitor's panel in a 100-column terminal: its content, no row wider than the pane; resized to 60 it redraws to 60; q ends it and restores the terminal")
    func panelResizeAndQuit() throws {
        _ = try Tmux.required()
        let directory = try search.setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try Optimize.run(search.searchArguments(out: "run", trials: 4), in: directory).status == 0)
        let tmux = Tmux()
        defer { tmux.kill() }
        // A long interval: the redraw after the resize can only come from SIGWINCH, the exit only from the key.
        try tmux.start(shell(["monitor", "run", "--interval", "600"], in: directory)
                       + "; echo \"monitor exited $?\"; stty -a | tr ' ' '\\n' | grep -x -- '-*icanon'; sleep 60")

        var rows = try tmux.wait { $0.contains { $0.contains("last 4:") } }
        #expect(rows.contains { $0.hasPrefix("optimize monitor  ") && $0.contains("every 600 s; q quits") }, "\(rows)")
        #expect(rows.contains { $0.hasPrefix("run  [PROCEED 0.95]  complete: 4 of 4 trials") }, "\(rows)")
        #expect(rows.contains { $0.hasPrefix("  trials 4/4 [██████████]") && $0.contains("ETA done") }, "\(rows)")
        #expect(rows.contains { $0.hasPrefix("  best trial ") && $0.contains("SIGNIFICANT") && $0.contains(" p ") }, "\(rows)")
        #expect(rows.contains { $0.hasPrefix("  last 4: mean score ") && $0.contains(" by chance ") && $0.hasSuffix(" s/trial") }, "\(rows)")
        #expect(rows.contains { $0.hasPrefix("  trial  state     score  survivors  chance    seconds") }, "\(rows)")
        #expect(text(rows).filter { $0.hasPrefix("  0      COMPLETE  ") || $0.hasPrefix("  3      COMPLETE  ") }.count == 2, "\(rows)")
        #expect(rows.allSatisfy { $0.count <= 100 }, "\(rows.map(\.count))")
        // The verdict's reason is longer than 100 columns: cut, not wrapped.
        #expect(rows.contains { $0.count == 100 && $0.hasSuffix("~") }, "\(rows.map(\.count))")

        try tmux.resize(width: 60)
        rows = try tmux.wait(seconds: 20) { rows in rows.contains { $0.hasPrefix("run  [PROCEED") && $0.count == 60 } && rows.allSatisfy { $0.count <= 60 } }
        #expect(try tmux.variable("pane_width") == "60")
        #expect(rows.allSatisfy { $0.count <= 60 }, "\(rows.map(\.count))")
        #expect(rows.contains { $0.hasPrefix("run  [PROCEED 0.95]") && $0.count == 60 && $0.hasSuffix("~") }, "\(rows)")
        #expect(rows.contains { $0.hasPrefix("  trials 4/4 ") }, "\(rows)")

        try tmux.send(keys: "q")
        // Until stty's line too: it comes just after the exit's (a busy machine shows one without the other).
        rows = try tmux.wait(seconds: 10) { $0.contains("monitor exited 0") && $0.contains("icanon") }
        #expect(rows.contains("monitor exited 0"), "\(rows)")
        // The keyboard's canonical mode is back, and the cursor shows.
        #expect(rows.contains("icanon"), "\(rows)")
        #expect(try tmux.variable("cursor_flag") == "1")
    }

    @Test("Ctrl-C ends the monitor too (exit 0); a missing directory shows as not a search run, a campaign without campaign.json as a damaged campaign")
    func interruptAndOtherDirectories() throws {
        _ = try Tmux.required()
        let directory = try search.setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try Optimize.run(search.searchArguments(out: "run", trials: 2), in: directory).status == 0)
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("campaign"), withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: directory.appendingPathComponent("campaign/latest_progress.json"))
        let tmux = Tmux()
        defer { tmux.kill() }
        try tmux.start(shell(["monitor", "missing", "run", "campaign"], in: directory) + "; echo \"monitor exited $?\"; sleep 60")
        var rows = try tmux.wait { $0.contains { $0.hasPrefix("campaign  [CAMPAIGN ESCALATE") } }
        #expect(rows.contains("missing  [NOT A SEARCH RUN]"), "\(rows)")
        #expect(rows.contains("  missing: no such directory"), "\(rows)")
        #expect(rows.contains { $0.hasPrefix("run  [PROCEED 0.95]") }, "\(rows)")
        #expect(rows.contains { $0.hasPrefix("campaign  [CAMPAIGN ESCALATE 1.00]  campaign.json ") }, "\(rows)")
        try tmux.send(keys: "C-c")
        rows = try tmux.wait(seconds: 10) { $0.contains("monitor exited 0") }
        #expect(rows.contains("monitor exited 0"), "\(rows)")
    }

    @Test("a search's progress line in a 100-column terminal moves in place and leaves no wrapped trail")
    func searchProgressLine() throws {
        _ = try Tmux.required()
        let directory = try search.setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        let tmux = Tmux()
        defer { tmux.kill() }
        // 16 chunks a trial, of 2^19 seeds: seconds a trial even on an idle machine, where low-bit
        // pruning makes 2^20 seeds take well under one (tmux then never captured a moving line).
        // The result (standard output) goes to a file: the pane shows standard error only.
        let arguments = search.searchArguments(out: "run", trials: 4, seeds: "0..<8388608").map { $0 == "8192" ? "524288" : $0 }
        try tmux.start(shell(arguments, in: directory) + " > result.txt; echo \"search exited $?\"; sleep 60")
        var moving: [String] = []
        let rows = try tmux.wait(seconds: 120) { rows in
            if let line = rows.first(where: { $0.contains("% ") && $0.contains(" seeds, ") }) { moving.append(line) }
            return rows.contains { $0.hasPrefix("search exited") }
        }
        #expect(rows.contains("search exited 0"), "\(rows)")
        // A line per trial and the backend's: nothing else, none reaching the last column.
        let lines = text(rows).filter { $0 != "search exited 0" }
        #expect(lines.count == 5, "\(lines)")
        #expect(lines.first?.hasPrefix("backend: ") == true, "\(lines)")
        for (index, line) in lines.dropFirst().enumerated() {
            #expect(line.hasPrefix("trial \(index) (\(index + 1)/4) "), "\(lines)")
        }
        #expect(rows.allSatisfy { $0.count < 100 }, "\(rows.map(\.count))")
        // The line in progress was cut to the pane (it is longer than 100 columns).
        #expect(moving.allSatisfy { $0.count <= 99 }, "\(moving)")
        #expect(moving.contains { $0.count == 99 && $0.hasSuffix("~") }, "\(moving)")
    }

    @Test("the sieve's progress line in a 60-column terminal, LANG=C: cut to the pane, an ASCII bar, moving within chunks, no trail")
    func sieveProgressLine() throws {
        _ = try Tmux.required()
        let directory = try Optimize.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let generated = try Optimize.run(["generate", "--prng", "java_lcg", "--seed", "777", "--count", "80", "--skip", "3", "--burn", "11",
                                          "--noise", "0.2", "--noise-seed", "9", "--out", "h.json"], in: directory)
        #expect(generated.status == 0, "\(generated.stderr)")
        // An odd modulus: no low-bit class table, the sweep starts at once. Three chunks of 4M seeds.
        let arguments = ["sieve", "--draws", "h.json", "--prng", "java_lcg", "--window", "10", "--offset", "30", "--reverse-window", "10",
                         "--skip", "0...6", "--min-matches", "2", "--reverse-min-matches", "1", "--burn", "11", "--modulus", "1001",
                         "--seeds", "0..<12000000", "--chunk-size", "4000000", "--out", "sweep"]
        let tmux = Tmux()
        defer { tmux.kill() }
        try tmux.start(shell(arguments, in: directory, lang: "C") + " > result.txt; echo \"sieve exited $?\"; sleep 60", width: 60)
        var shares: Set<String> = []
        var moving: [String] = []
        let rows = try tmux.wait(seconds: 120) { rows in
            for row in rows where row.hasPrefix("sieve [") {
                moving.append(row)
                if let match = row.firstMatch(of: #/\] +([0-9.]+)%/#) { shares.insert(String(match.output.1)) }
            }
            return rows.contains { $0.hasPrefix("sieve exited") }
        }
        #expect(rows.contains("sieve exited 0"), "\(rows)")
        // From the progress line on (the backend's line before it is a plain message, wrapped at 60).
        let drawn = text(Array(rows.drop { !$0.hasPrefix("sieve [") }))
        #expect(drawn.allSatisfy { $0.count < 60 }, "\(drawn.map(\.count))")
        #expect(drawn.count == 2 && drawn.first?.hasPrefix("sieve [") == true, "\(rows)")  // the sieve's line, the exit
        #expect(moving.allSatisfy { $0.count <= 59 && $0.unicodeScalars.allSatisfy(\.isASCII) }, "\(moving)")
        #expect(moving.contains { $0.hasPrefix("sieve [#") && $0.hasSuffix("~") }, "\(moving)")
        // Shares other than the checkpoints' (0, 33.3, 66.7, 100): the bar moved within a chunk.
        #expect(!shares.subtracting(["0.0", "33.3", "66.7", "100.0"]).isEmpty, "\(shares)")
    }

    @Test("--once: one frame and exit 0; without a terminal or with NO_COLOR no escape codes; LANG=C or TERM=dumb gives ASCII bars and arrows")
    func onceColourAndASCII() throws {
        _ = try Tmux.required()
        let directory = try search.setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try Optimize.run(search.searchArguments(out: "run", trials: 3), in: directory).status == 0)

        // Not a terminal: plain text, no escapes, the width from COLUMNS (80 here by default).
        let plain = try Optimize.run(["monitor", "run", "--once"], in: directory)
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(!plain.stdout.contains("\u{1B}"), "\(plain.stdout)")
        #expect(plain.stdout.hasPrefix("optimize monitor  "), "\(plain.stdout)")
        #expect(plain.stdout.contains("\nrun  [PROCEED 0.95]  complete: 3 of 3 trials"), "\(plain.stdout)")
        #expect(!plain.stdout.contains("q quits"))

        // A terminal: colour unless NO_COLOR is set (to anything, even empty).
        for (extra, coloured) in [("", true), ("NO_COLOR=1", false), ("NO_COLOR=", false)] {
            let tmux = Tmux()
            defer { tmux.kill() }
            try tmux.start(shell(["monitor", "run", "--once"], in: directory, extra: extra) + "; echo \"monitor exited $?\"; sleep 60")
            try tmux.wait { $0.contains("monitor exited 0") }
            let escaped = try tmux.capture(escapes: true).joined(separator: "\n")
            #expect(escaped.contains("monitor exited 0"))
            #expect(escaped.contains("\u{1B}[") == coloured, "\(extra): \(escaped)")
        }

        // Unicode bars and arrows only when the locale names UTF-8 and TERM can show them.
        let cases: [(lang: String, term: String, unicode: Bool)] = [
            ("C.UTF-8", "xterm-256color", true), ("C", "xterm-256color", false), ("en_US.UTF-8", "dumb", false),
            ("en_US.UTF-8", "linux", false), ("POSIX", "xterm", false),
        ]
        for (lang, term, unicode) in cases {
            let tmux = Tmux()
            defer { tmux.kill() }
            try tmux.start(shell(["monitor", "run", "--once"], in: directory, lang: lang, extra: "TERM=\(term)")
                           + "; echo \"monitor exited $?\"; sleep 60")
            let rows = try tmux.wait { $0.contains("monitor exited 0") }
            let frame = rows.joined(separator: "\n")
            #expect(frame.contains("trials 3/3 [██████████]") == unicode, "\(lang) \(term): \(frame)")
            #expect(frame.contains("trials 3/3 [##########]") == !unicode, "\(lang) \(term): \(frame)")
            #expect(frame.unicodeScalars.allSatisfy(\.isASCII) == !unicode, "\(lang) \(term): \(frame)")
        }
    }

    @Test("a bad --interval is a bad option (13) naming it; a damaged run shows in its panel and --once still exits 0")
    func badIntervalAndDamage() throws {
        let directory = try search.setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        for bad in ["0", "-1", "abc", "nan", "99999"] {
            let result = try Optimize.run(["monitor", "run", "--interval=\(bad)"], in: directory)
            #expect(result.status == 13, "\(bad): \(result.stderr)")
            #expect(result.stderr.contains("--interval") && result.stderr.contains("'\(bad)'"), "\(result.stderr)")
        }
        #expect(try Optimize.run(search.searchArguments(out: "run", trials: 2), in: directory).status == 0)
        try Data("{\"status\": ".utf8).write(to: directory.appendingPathComponent("run/best.json"))
        let result = try Optimize.run(["monitor", "run", "--once"], in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("run  [ESCALATE 1.00]  best.json is damaged or unreadable"), "\(result.stdout)")
    }

    @Test("a live run: the trial in progress with its sieve bar; stopped (SIGSTOP) past its rules' staleness it shows STALE")
    func liveAndStale() throws {
        let directory = try search.setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        // 2^26 seeds a trial: long enough to be caught mid-sieve on a quiet machine too (2^22-seed
        // trials finished in 1.5 s each here, before a frame saw one running).
        let process = try Optimize.start(search.searchArguments(out: "live", trials: 3, seeds: "0..<67108864"), in: directory)
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() } }
        // Wait for a trial's sieve to be under way (progress.json names it, with its seeds).
        var frame = ""
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            frame = try Optimize.run(["monitor", "live", "--once"], in: directory).stdout
            if frame.contains("  sieve trial ") && frame.contains(" seeds") { break }
            Thread.sleep(forTimeInterval: 0.2)
        }
        #expect(frame.contains("live  [WAIT "), "\(frame)")
        #expect(frame.contains("  sieve trial ") && frame.contains("% ") && frame.contains("/67.1M seeds"), "\(frame)")
        #expect(!frame.contains("STALE"), "\(frame)")

        kill(process.processIdentifier, SIGSTOP)
        defer { kill(process.processIdentifier, SIGCONT) }
        try Data(#"{"minimum_staleness_seconds": 1, "staleness_factor": 1}"#.utf8).write(to: directory.appendingPathComponent("rules.json"))
        var stale = ""
        let until = Date().addingTimeInterval(60)
        while Date() < until {
            stale = try Optimize.run(["monitor", "live", "--once", "--rules", "rules.json"], in: directory).stdout
            if stale.contains("STALE") { break }
            Thread.sleep(forTimeInterval: 0.5)
        }
        #expect(stale.contains("live  [STALE, WAIT ") || stale.contains("live  [STALE, ESCALATE "), "\(stale)")
        #expect(stale.contains("  STALE: no change for "), "\(stale)")
    }
}
