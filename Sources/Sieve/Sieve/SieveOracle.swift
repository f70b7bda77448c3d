/// The sieve of docs/semantics.md written as plainly as possible: one seed, one skip, one output at a
/// time, no tricks.
///
/// For every seed and skip it takes the seed's stream from its first output, one output after
/// another, from the `prng_generate` kernel (the families' only definition; asked for with no burn
/// and no skip, so that it only steps), and does everything else here, independently of the
/// kernels' sieve bodies: no jump-ahead, no stream shared between skips, no early exit. Tests hold
/// every backend equal to it, and benchmarks measure their speed against it.
public enum SieveOracle {
    /// The survivors among `seeds`, sorted by seed.
    public static func survivors(of plan: SievePlan, seeds: SeedRange) throws -> [SurvivorRecord] {
        var result: [SurvivorRecord] = []
        var seed = seeds.first
        while true {
            if let record = try evaluate(plan, seed: seed) { result.append(record) }
            if seed == seeds.last { break }
            seed += 1
        }
        return result
    }

    /// One seed's record.
    static func evaluate(_ plan: SievePlan, seed: UInt64) throws -> SurvivorRecord? {
        let p = plan.parameters
        let modulus = p.modulus
        var outputs: [UInt64] = []
        /// The stream out_1 ... out_length, generated anew for this skip.
        func stream(length: UInt64) throws {
            outputs = try p.prng.outputs(seed: seed, count: Int(length))
        }
        func matches(_ draws: [UInt32], _ c: (c0: UInt64, c1: UInt64), skip s: UInt32) -> UInt32 {
            var count: UInt32 = 0
            for (i, draw) in draws.enumerated() {
                let position = c.c0 + (c.c1 + UInt64(i)) * (UInt64(s) + 1)
                if outputs[Int(position) - 1] % modulus == UInt64(draw) { count += 1 }
            }
            return count
        }
        func lastPosition(_ c: (c0: UInt64, c1: UInt64), _ count: Int, skip s: UInt32) -> UInt64 {
            count == 0 ? 0 : c.c0 + (c.c1 + UInt64(count - 1)) * (UInt64(s) + 1)
        }
        let forwardMinimum = UInt32(plan.forwardMinimum)
        let reverseMinimum = UInt32(plan.reverseMinimum ?? 0)
        var forwardBest: (matches: UInt32, skip: UInt32)?
        var reverseBest: (matches: UInt32, skip: UInt32)?
        var pairBest: (sum: UInt32, skip: UInt32, forward: UInt32, reverse: UInt32)?
        for s in p.skips {
            try stream(length: max(lastPosition(plan.forwardPositions, plan.forwardDraws.count, skip: s),
                                   lastPosition(plan.reversePositions, plan.reverseDraws.count, skip: s)))
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
