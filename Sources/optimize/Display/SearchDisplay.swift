import ArgumentParser
import Foundation
import Sieve
import Study
import WindowSearch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Shows a search's progress on standard error: on a terminal, one line redrawn in place (trial,
/// the trial's sieve, the best so far); otherwise a line per trial and every few seconds.
///
/// On a terminal every line is cut to its width (asked at every redraw: a resize is followed) so
/// that it never wraps into a trail of broken lines, and the sieve's share moves within chunks
/// (``SieveSweep/Progress/seedsSwept``); the bar is ASCII unless the terminal shows Unicode
/// (``TerminalCapabilities``).
final class SearchDisplay {
    private let terminal = TerminalCapabilities.standardError
    private var isTerminal: Bool { terminal.isTerminal }
    private let total: Int
    private var finished: Int
    private var best: TrialOutcome?
    private var current: (trial: Int, label: String, started: Date)?
    private var lastShown = Date.distantPast
    private var open = false

    init(total: Int, finished: Int, best: TrialOutcome?) {
        self.total = total
        self.finished = finished
        self.best = best
    }

    func handle(_ event: SearchRun.Event) {
        switch event {
        case .trialStarted(let trial, let parameters, let resumed):
            current = (trial, parameters.label + (resumed ? " (resumed)" : ""), Date())
            show(nil, force: true)
        case .sieveProgress(_, let progress):
            show(progress, force: false)
        case .trialFinished(let outcome, let best):
            finished += 1
            self.best = best
            let result: String
            switch outcome.state {
            case .complete:
                result = "score " + String(format: "%.4g", outcome.score ?? 0)
                    + (outcome.counts.map { ", \($0.bidirectional) bidirectional" } ?? "")
                    + (outcome.significance?.claims == true ? " (significant)" : "")
            case .pruned, .failed:
                result = outcome.state.rawValue.lowercased() + ": " + (outcome.reason ?? "")
            }
            line("trial \(outcome.trial) (\(finished)/\(total)) \(outcome.parameters.label): \(result)", final: true)
            current = nil
        }
    }

    private var bestText: String {
        guard let trial = best?.trial, let evaluation = best?.evaluation else { return "best: none yet" }
        let score = String(format: "%.4g", evaluation.score)
        let found = evaluation.strongest.map { " (seed \($0.seed) skip \($0.skip))" } ?? ""
        return "best: trial \(trial) score \(score)\(found)"
    }

    private func show(_ progress: SieveSweep.Progress?, force: Bool) {
        let now = Date()
        let interval = isTerminal ? 0.2 : 10.0
        guard force || now.timeIntervalSince(lastShown) >= interval, let current else { return }
        if !isTerminal && force { return }  // logs get a line per finished trial, and one every few seconds
        lastShown = now
        var sieve = "starting"
        if let progress {
            let fraction = progress.seedsTotal == 0 ? 1 : Double(progress.seedsSwept) / Double(progress.seedsTotal)
            sieve = terminal.bar(fraction, width: 10) + String(format: " %5.1f%%", fraction * 100)
                + " \(ProgressDisplay.count(Double(progress.seedsSwept)))/\(ProgressDisplay.count(Double(progress.seedsTotal))) seeds"
                + ", \(progress.bidirectional) bidirectional"
                + (progress.seedsDone == progress.seedsTotal ? ", calibrating chance" : "")
        }
        let elapsed = ProgressDisplay.duration(now.timeIntervalSince(current.started))
        line("trial \(current.trial) (\(finished + 1)/\(total)) [\(sieve), \(elapsed)] \(bestText)", final: false)
    }

    private func line(_ text: String, final: Bool) {
        if isTerminal {
            // The last column stays free: a line that fills it leaves the cursor waiting to wrap.
            let fitted = terminal.fit(text, width: terminal.width - 1)
            FileHandle.standardError.write(Data(("\r" + fitted + "\u{1B}[K" + (final ? "\n" : "")).utf8))
            open = !final
        } else {
            FileHandle.standardError.write(Data((text + "\n").utf8))
        }
    }

    func finish() {
        if isTerminal && open { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
