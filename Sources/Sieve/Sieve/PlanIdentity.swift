/// What identifies a sieve plan: everything its kernel arguments and draws hold except the seeds,
/// the stride and the record capacity. Two plans with equal identities give the same survivors for
/// the same seeds and cost the same per seed on one backend.
///
/// The one key every cache and estimate about a plan uses: the dispatch sizer's rates
/// (`DispatchSizer` in SieveMetal), the low-bit class tables (``LowBitClassTable``), and anything
/// else that remembers plans. It compares the plan's canonical text, not a hash of it, so two
/// different plans never share an entry.
///
/// ```swift
/// let identity = plan.identity
/// identity == SievePlan(parameters: p, residues: r).identity   // true for the same inputs
/// ```
public struct PlanIdentity: Hashable, Sendable, CustomStringConvertible {
    /// The canonical text: family and parameters, modulus, draws, stream positions, skips, match
    /// counts and reverse mode (the kernel arguments' inputs; the rest derive from them).
    public let text: String

    public init(_ plan: SievePlan) {
        let p = plan.parameters
        text = "\(p.prng) M=\(p.modulus) F=\(plan.forwardDraws) R=\(plan.reverseDraws) "
            + "\(plan.forwardPositions) \(plan.reversePositions) s=\(p.skips) "
            + "m=\(plan.forwardMinimum)/\(plan.reverseMinimum ?? -1) mode=\(plan.reverseMode.rawValue)"
    }

    public var description: String { text }
}

extension SievePlan {
    /// The plan's identity (``PlanIdentity``).
    public var identity: PlanIdentity { PlanIdentity(self) }
}
