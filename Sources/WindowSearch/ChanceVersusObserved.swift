import Foundation
import Sieve
import Study

/// Observed bidirectional survivors against those expected by chance, over a run's complete trials.
public struct ChanceVersusObserved: Sendable, Hashable {
    /// The complete trials counted.
    public let trials: Int
    /// Bidirectional survivors observed, summed over the trials.
    public let observedBidirectional: Int
    /// Bidirectional survivors expected by chance, summed over the trials.
    public let expectedBidirectional: Double
    /// Trials with at least one bidirectional survivor.
    public let trialsWithSurvivors: Int
    /// Trials whose survivors claim significance.
    public let trialsClaimingSignificance: Int

    /// Counts the complete trials among `outcomes`.
    public init(outcomes: [TrialOutcome]) {
        let complete = outcomes.filter { $0.state == .complete }
        trials = complete.count
        observedBidirectional = complete.compactMap(\.counts?.bidirectional).reduce(0, +)
        expectedBidirectional = complete.compactMap(\.chanceBidirectional).reduce(0, +)
        trialsWithSurvivors = complete.filter { ($0.counts?.bidirectional ?? 0) > 0 }.count
        trialsClaimingSignificance = complete.filter { $0.significance?.claims == true }.count
    }
}

extension RunSummary {
    /// Observed bidirectional survivors against chance, over the complete trials.
    public var chance: ChanceVersusObserved { ChanceVersusObserved(outcomes: outcomes) }
}
