/// How the sampler sees trials that other workers are still evaluating: the constant liar.
///
/// With several workers on one study, a trial is asked while others are running. Ignoring them
/// (as ``TPESampler/propose(trial:space:direction:history:)`` does with running trials) makes
/// every worker that asks before the first one tells get a proposal from the same evidence, so
/// workers crowd into one region. The constant liar instead lets each running trial count as if
/// it had finished with the worst outcome: it joins the bad group, so the next proposal moves
/// away from parameters already being evaluated. The study stores that serve several workers (the
/// database store) apply it; a study with one worker never has a pending trial, so its proposals
/// are the file store's.
///
/// ```swift
/// let proposal = sampler.propose(trial: n, space: space, direction: .maximize,
///                                history: PendingTrials.constantLiar(trials))
/// ```
public enum PendingTrials {
    /// `trials` with every running trial replaced by a pruned one without a step or value: the
    /// sampler ranks pruned trials after every complete one, which is the worst value.
    public static func constantLiar(_ trials: [TrialRecord]) -> [TrialRecord] {
        trials.map { trial in
            guard trial.state == .running else { return trial }
            var lie = trial
            lie.state = .pruned(step: nil, value: nil)
            return lie
        }
    }
}
