import Foundation
import Sieve
import WindowSearch
import FuzzSupport

/// A run the verdict is checked on: running, a process holding its lock, quiet for four minutes.
let snapshot = RunSnapshot(
    directory: "run", runStatus: "running", totalTrials: 10, level: 3,
    trials: (0..<4).map { RunSnapshot.Trial(trial: $0, state: .complete, score: 1, seconds: 30, finished: Date(timeIntervalSince1970: 1000)) },
    progressUpdated: Date(timeIntervalSince1970: 1000), owner: .init(alive: true, pid: 1))

/// A watcher rules file (`WatcherRules.read`, as `optimize status --rules` reads it): what is read,
/// written back, reads again as equal rules; its verdict on a run is one of the four actions, with
/// a confidence in 0…1 and a staleness of at least the minimum.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let path = fuzzFile("rules.json", fuzzBytes(start, count))
    guard let rules = try? WatcherRules.read(path: path) else { return 0 }
    let written = JSONWriter.pretty(rules.json)
    do {
        let again = try WatcherRules.parse(try JSONReader.parse(written), source: "written")
        fuzzCheck(again == rules, "the rules written back read differently: \(written)")
    } catch {
        fuzzFailure("the rules written back are refused (\(error)): \(written)")
    }
    let verdict = Watcher.verdict(snapshot, now: Date(timeIntervalSince1970: 1240), rules: rules)
    fuzzCheck(verdict.confidence >= 0 && verdict.confidence <= 1, "confidence \(verdict.confidence)")
    fuzzCheck(verdict.action == .wait || verdict.action == .escalate, "a live run judged \(verdict.action)")
    fuzzCheck(Watcher.staleAfter(snapshot, rules: rules) >= rules.minimumStalenessSeconds, "staleness below the minimum")
    return 0
}
