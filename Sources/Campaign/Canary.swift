import Foundation
import Sieve

/// A cycle's canary (docs/operations.md §2): a small history planted from a known seed with the
/// cycle's family, window, skips, burn and modulus, sieved on the cycle's backend over a small
/// range that holds the planted seed. A backend that stops finding planted seeds is seen within a
/// cycle. It is found when it survives as ``CandidateRule/Evidence`` says a genuine seed does:
/// bidirectionally at the planted skip, or (no reverse test, or reference mode) forward.
///
/// The planted seed, skip and noise come from the cycle number alone, so a resumed cycle plants
/// the same canary.
public enum Canary {
    /// Where the planted seed lies relative to the sieved range.
    public enum Placement: String, Sendable {
        /// In the range: the canary should be found.
        case inside
        /// Just past the range: a forced miss, which tests use to see a miss recorded
        /// (`OPTIMIZE_CAMPAIGN_CANARY=beyond-range`).
        case beyondRange = "beyond_range"
    }

    /// At most this fraction of the planted draws is noise: enough to check that the sieve
    /// tolerates mismatches, well within any threshold below 0.9.
    public static let maximumNoise = 0.05

    /// Plants and sieves cycle `cycle`'s canary.
    ///
    /// - Parameters:
    ///   - plan: the cycle's sieve (its parameters are the canary's).
    ///   - draws: how many draws the cycle's history holds (the canary has as many, so the same
    ///     window, offset and reverse window fit).
    ///   - seeds: the canary's range size.
    /// - Returns: the canary's result (recall 1 when found).
    public static func run(cycle: Int, plan: SievePlan, draws: Int, seeds: UInt64, placement: Placement,
                           backend: SieveBackend, cancellation: Cancellation = .never) throws -> CanaryResult {
        let p = plan.parameters
        let family = p.prng.family
        let size = min(seeds, family.maxSeed / 2)
        var random = SplitMix64(seed: 0xCA_4A_2E_5 &* 0x9E37_79B9 ^ UInt64(cycle))
        let first = random.below(family.maxSeed - size + 2)
        let last = first + size - 1
        var planted = first + random.below(size)
        if placement == .beyondRange { planted = last < family.maxSeed ? last + 1 : first - 1 }
        let skipCount = UInt64(p.skips.upperBound - p.skips.lowerBound) + 1
        let skip = UInt64(p.skips.lowerBound) + random.below(skipCount)
        // Noise stays within half the slack the stricter threshold leaves.
        let strictest = max(share(plan.forwardMinimum, of: plan.forwardDraws.count),
                            plan.reverseMinimum.map { share($0, of: plan.reverseDraws.count) } ?? 0)
        let noise = max(0, min(maximumNoise, (1 - strictest) / 2))
        let noiseSpec: PlantedHistory.Noise? = noise > 0 ? .init(fraction: noise, seed: random.next()) : nil
        let residues: [UInt32]
        if p.referenceMode {
            // Reference mode compares window draw i (history index o + i) with
            // out_{b + o + (i+1)(s+1)} (docs/semantics.md §7): the window alone is planted, from
            // a stream burned b + o; the draws around it are never read.
            let window = try PlantedHistory(configuration: p.prng, seed: planted, count: p.window, burn: p.burn + UInt64(p.offset),
                                            skip: skip, modulus: p.modulus, noise: noiseSpec)
            var all = [UInt32](repeating: 0, count: draws)
            for (i, draw) in window.draws.enumerated() { all[p.offset + i] = UInt32(truncatingIfNeeded: draw) }
            residues = all
        } else {
            let history = try PlantedHistory(configuration: p.prng, seed: planted, count: draws, burn: p.burn, skip: skip,
                                             modulus: p.modulus, noise: noiseSpec)
            residues = history.draws.map { UInt32(truncatingIfNeeded: $0) }
        }
        let canaryPlan = try SievePlan(parameters: p, residues: residues, source: "the canary of cycle \(cycle)")
        let records = try backend.survivors(of: canaryPlan, seeds: SeedRange(first: first, last: last), cancellation: cancellation)
        let found = records.contains { record in
            guard record.seed == planted else { return false }
            switch CandidateRule.Evidence(plan) {
            case .bidirectional: return record.passed.contains(.bidirectional) && UInt64(record.bidirectionalSkip) == skip
            case .forward: return record.passed.contains(.forward) && UInt64(record.forwardSkip) == skip
            }
        }
        return CanaryResult(cycle: cycle, first: first, last: last, plantedSeed: planted, plantedSkip: Int(skip),
                            noise: noise, placement: placement.rawValue, recall: found ? 1 : 0)
    }

    /// The share of a window's draws that its threshold needs.
    static func share(_ minimum: Int, of draws: Int) -> Double {
        draws == 0 ? 1 : Double(minimum) / Double(draws)
    }
}
