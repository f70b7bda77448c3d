import Foundation
import Sieve
import Study

extension SearchRun {
    public typealias Preparation = TrialEvaluator.Preparation

    /// The sieve a trial's parameters define, or the reason it cannot run.
    public func prepare(_ p: TrialParameters) throws(InputError) -> Preparation {
        try evaluator.prepare(p)
    }

    /// Runs trial `number`; `nil` when a stop was requested before its sieve finished.
    func evaluate(_ number: Int, _ parameters: TrialParameters, observer: (Event) -> Void,
                  shouldStop: () -> Bool) throws -> TrialOutcome? {
        try evaluator.evaluate(
            number, parameters,
            onChunk: { chunk in
                observer(.sieveProgress(trial: number, progress: chunk))
                flushTrialLog(number)  // the sweep has made the trial's directory
                if progress.sieveProgress(chunk) { try? writeProgress(status: "running") }
            },
            shouldStop: shouldStop)
    }
}
