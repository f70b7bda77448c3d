/// The sieve of SEMANTICS.md written as plainly as possible: one seed, one skip, one draw at a time.
///
/// It takes each seed's outputs from the `prng_generate` kernel (the families' only definition) and
/// does everything else here, independently of the kernels' sieve bodies. Tests hold every backend
/// equal to it, and benchmarks measure their speed against it.
public enum SieveOracle {
    /// The survivors among `seeds`, sorted by seed.
    public static func survivors(of plan: SievePlan, seeds: SeedRange) throws -> [SurvivorRecord] {
        let p = plan.parameters
        let streamLength = Int(plan.streamRange.upperBound)
        var result: [SurvivorRecord] = []
        var seed = seeds.first
        while true {
            let batch = Int(min(UInt64(256), seeds.last - seed + 1))
            let streams = try p.prng.outputs(firstSeed: seed, seedCount: batch, count: streamLength)
            for (offset, outputs) in streams.enumerated() {
                if let record = evaluate(plan, seed: seed + UInt64(offset), outputs: outputs) {
                    result.append(record)
                }
            }
            let last = seed + UInt64(batch - 1)
            if last == seeds.last { break }
            seed = last + 1
        }
        return result
    }

    /// One seed's record, from its outputs out_1, out_2, … (`outputs[p - 1]` is out_p).
    static func evaluate(_ plan: SievePlan, seed: UInt64, outputs: [UInt64]) -> SurvivorRecord? {
        let p = plan.parameters
        let modulus = p.modulus
        func matches(_ draws: [UInt32], _ c: (c0: UInt64, c1: UInt64), skip s: UInt32) -> UInt32 {
            var count: UInt32 = 0
            for (i, draw) in draws.enumerated() {
                let position = c.c0 + (c.c1 + UInt64(i)) * (UInt64(s) + 1)
                if outputs[Int(position) - 1] % modulus == UInt64(draw) { count += 1 }
            }
            return count
        }
        let forwardMinimum = UInt32(plan.forwardMinimum)
        let reverseMinimum = UInt32(plan.reverseMinimum ?? 0)
        var forwardBest: (matches: UInt32, skip: UInt32)?
        var reverseBest: (matches: UInt32, skip: UInt32)?
        var pairBest: (sum: UInt32, skip: UInt32, forward: UInt32, reverse: UInt32)?
        for s in p.skips {
            let forward = matches(plan.forwardDraws, plan.forwardPositions, skip: s)
            if forwardBest == nil || forward > forwardBest!.matches { forwardBest = (forward, s) }
            guard p.hasReverse else { continue }
            let reverse = matches(plan.reverseDraws, plan.reversePositions, skip: s)
            if reverseBest == nil || reverse > reverseBest!.matches { reverseBest = (reverse, s) }
            if !p.referenceMode, forward >= forwardMinimum, reverse >= reverseMinimum {
                if pairBest == nil || forward + reverse > pairBest!.sum { pairBest = (forward + reverse, s, forward, reverse) }
            }
        }
        var record = SurvivorRecord(seed: seed, passed: [])
        if let best = forwardBest, best.matches >= forwardMinimum {
            record.passed.insert(.forward)
            record.forwardMatches = best.matches
            record.forwardSkip = best.skip
        }
        let reportsReverse = p.hasReverse && (p.referenceMode || p.reverseScope == .fullRange)
        if reportsReverse, let best = reverseBest, best.matches >= reverseMinimum {
            record.passed.insert(.reverse)
            record.reverseMatches = best.matches
            record.reverseSkip = best.skip
        }
        if p.referenceMode {
            if record.passed.contains(.forward) && record.passed.contains(.reverse) { record.passed.insert(.bidirectional) }
        } else if let pair = pairBest {
            record.passed.insert(.bidirectional)
            record.bidirectionalSkip = pair.skip
            record.bidirectionalForward = pair.forward
            record.bidirectionalReverse = pair.reverse
        }
        let emitted = record.passed.contains(.forward) || (reportsReverse && record.passed.contains(.reverse))
        return emitted ? record : nil
    }
}
