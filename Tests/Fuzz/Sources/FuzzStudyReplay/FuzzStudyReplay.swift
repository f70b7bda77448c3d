import Foundation
@testable import Study
import Sieve
import FuzzSupport

/// A study whose space has every kind of parameter, made once in the scratch directory.
nonisolated(unsafe) let store: StudyStore = {
    let space = #"{"params": [{"name": "x", "type": "float", "low": -5, "high": 5}, {"name": "n", "type": "int", "low": 1, "high": 9}, {"name": "l", "type": "float", "low": 0.001, "high": 10, "log": true}, {"name": "c", "type": "categorical", "choices": ["a", 1, true, null]}]}"#
    do {
        let definition = StudyDefinition(
            space: try SearchSpace(json: try JSONReader.parse(space), source: "fuzz space"), direction: .minimize, seed: 7)
        return try StudyStore.create(at: URL(fileURLWithPath: fuzzScratch).appendingPathComponent("study"), definition: definition)
    } catch {
        fuzzFailure("cannot create the study: \(error)")
    }
}()

/// The study store's replay of its journal (Journal.parse of raw bytes or of lines given their
/// checksums, then replay): trials numbered 0, 1, 2, …, and the sampler proposes the next trial
/// from what was replayed.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = fuzzJournal(fuzzBytes(start, count))
    guard let contents = try? Journal.parse(bytes, source: "trials.journal", damage: .invalidStudy) else { return 0 }
    let trials: [TrialRecord]
    do { trials = try store.replay(contents.records) } catch {
        return 0
    }
    for (index, trial) in trials.enumerated() {
        fuzzCheck(trial.number == index, "trial \(index) is numbered \(trial.number)")
    }
    let space = store.definition.space
    let proposed = store.sampler.propose(trial: trials.count, space: space, direction: store.definition.direction, history: trials)
    for parameter in space.parameters {
        guard let value = proposed[parameter.name] else { fuzzFailure("no value proposed for \(parameter.name)") }
        fuzzCheck(parameter.value(from: value.json) != nil, "proposed \(parameter.name) = \(value) is outside the space")
    }
    return 0
}
