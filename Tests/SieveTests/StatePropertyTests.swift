import Sieve
import Testing

/// Configurations the state properties are checked on: every family but mt19937 (whose 624-word
/// state stays inside the kernel) with its defaults, plus parameter variants.
let stateConfigurations: [PRNGConfiguration] = {
    var list = PRNGFamily.all.filter { $0.id != .mt19937 }.map { PRNGConfiguration($0.id) }
    let variants: [(PRNGFamily.ID, [String: UInt64])] = [
        (.xorshift32, ["a": 7, "b": 9, "c": 8]),
        (.pcg32, ["increment": 54]),
        (.lcg32, ["m": 0]),
        (.lcg32, ["a": 1_664_525, "c": 1_013_904_223, "m": 0]),
        (.lcg32, ["a": 16807, "c": 0, "m": 2_147_483_647]),
        (.lcg32, ["a": 69069, "c": 1, "m": 4_294_967_291]),
        (.lcg32, ["a": 4_000_000_000, "c": 4_100_000_000, "m": 4_294_967_295]),
        (.java_lcg, ["a": 5, "c": 3]),
    ]
    for (id, parameters) in variants {
        list.append(try! PRNGConfiguration(family: .family(id), parameters: parameters))
    }
    return list
}()

/// States reachable from random seeds: seeded, then advanced a random number of steps (so that
/// families whose seeds are not reduced, like lcg32, start from states in their domain).
func reachableStates(_ configuration: PRNGConfiguration, count: Int, random: inout SplitMix64) throws -> [PRNGState] {
    var states: [PRNGState] = []
    for _ in 0..<count {
        let seed = UInt64.random(in: 0...configuration.family.maxSeed, using: &random)
        var one = try configuration.initialStates(firstSeed: seed, seedCount: 1)
        try configuration.step(&one, by: UInt64.random(in: 1...300, using: &random))
        states += one
    }
    return states
}

@Suite("Inverse steps")
struct InverseStepTests {
    @Test("prev(next(x)) == x and next(prev(x)) == x", arguments: stateConfigurations.filter(\.isInvertible))
    func inverseUndoesStep(_ configuration: PRNGConfiguration) throws {
        var random = SplitMix64(seed: 0x1D1E)
        let original = try reachableStates(configuration, count: 64, random: &random)
        var states = original
        let outputs = try configuration.next(&states)
        #expect(states != original)
        try configuration.previous(&states)
        #expect(states == original, "\(configuration): prev(next(x))")
        try configuration.previous(&states)
        var before = states
        let replayed = try configuration.next(&states)
        #expect(states == original, "\(configuration): next(prev(x))")
        // The step into x, replayed from prev(x), outputs what the stream put there: stepping on
        // from there gives the original step's output next.
        #expect(try configuration.next(&before) == replayed)
        var after = states
        #expect(try configuration.next(&after) == outputs, "\(configuration)")
    }

    @Test("a long walk back retraces the stream exactly")
    func walkBackRetracesStream() throws {
        for configuration in stateConfigurations.filter(\.isInvertible) {
            var states = try configuration.initialStates(firstSeed: 1000, seedCount: 4)
            try configuration.step(&states, by: 5)  // leave unreduced seeds behind
            let start = states
            var forward: [[UInt64]] = []
            for _ in 0..<50 { forward.append(try configuration.next(&states)) }
            var backward: [[UInt64]] = []
            for _ in 0..<50 {
                try configuration.previous(&states)
                var copy = states
                backward.append(try configuration.next(&copy))
            }
            #expect(states == start, "\(configuration)")
            #expect(backward.reversed() == forward, "\(configuration)")
        }
    }

    @Test("catalogue invertibility: every family but mt19937, lcg32 and java_lcg by their parameters")
    func catalogueInvertibility() throws {
        #expect(!PRNGConfiguration(.mt19937).isInvertible)
        let evenMultiplier = try PRNGConfiguration(family: .family(.lcg32), parameters: ["a": 4, "m": 0])
        #expect(!evenMultiplier.isInvertible)
        var states = try evenMultiplier.initialStates(firstSeed: 0, seedCount: 2)
        #expect(throws: KernelError.notInvertible("lcg32(a=4, m=0)")) { try evenMultiplier.previous(&states) }
        let sharedFactor = try PRNGConfiguration(family: .family(.lcg32), parameters: ["a": 6, "m": 9])
        #expect(!sharedFactor.isInvertible)
        let evenJava = try PRNGConfiguration(family: .family(.java_lcg), parameters: ["a": 6])
        #expect(!evenJava.isInvertible)
        #expect(throws: KernelError.stateNotExposed(.mt19937)) { try PRNGConfiguration(.mt19937).initialStates(firstSeed: 0, seedCount: 1) }
    }
}

@Suite("Jump-ahead")
struct JumpAheadTests {
    @Test("jump(n) equals n single steps, random n up to 2^20", arguments: stateConfigurations)
    func jumpEqualsSteps(_ configuration: PRNGConfiguration) throws {
        var random = SplitMix64(seed: 0x7A3B)
        let limit: UInt64 = configuration.family.hasJumpAhead ? 1 << 20 : 1 << 12
        for _ in 0..<4 {
            let n = UInt64.random(in: 0...limit, using: &random)
            let start = try reachableStates(configuration, count: 8, random: &random)
            var jumped = start
            var stepped = start
            try configuration.jump(&jumped, by: n)
            try configuration.step(&stepped, by: n)
            #expect(jumped == stepped, "\(configuration) n = \(n)")
        }
    }

    @Test("jumps compose: jump(a) then jump(b) is jump(a + b); then one step is jump(a + b + 1)",
          arguments: stateConfigurations.filter(\.family.hasJumpAhead))
    func jumpsCompose(_ configuration: PRNGConfiguration) throws {
        var random = SplitMix64(seed: 0xC0DE)
        for _ in 0..<16 {
            let a = UInt64.random(in: 0...(1 << 40), using: &random)
            let b = UInt64.random(in: 0...(1 << 40), using: &random)
            let start = try reachableStates(configuration, count: 4, random: &random)
            var twoJumps = start
            try configuration.jump(&twoJumps, by: a)
            try configuration.jump(&twoJumps, by: b)
            var oneJump = start
            try configuration.jump(&oneJump, by: a + b)
            #expect(twoJumps == oneJump, "\(configuration) a = \(a) b = \(b)")
            try configuration.step(&oneJump, by: 1)
            var further = start
            try configuration.jump(&further, by: a + b + 1)
            #expect(oneJump == further, "\(configuration) n = \(a + b + 1)")
        }
    }

    @Test("jump(n) equals the closed form a^n·x + c·(a^n - 1)/(a - 1), random n up to 2^40",
          arguments: stateConfigurations.filter(\.family.hasJumpAhead))
    func jumpMatchesClosedForm(_ configuration: PRNGConfiguration) throws {
        var random = SplitMix64(seed: 0xF00D)
        for _ in 0..<32 {
            let n = UInt64.random(in: 0...(1 << 40), using: &random)
            let start = try reachableStates(configuration, count: 4, random: &random)
            var jumped = start
            try configuration.jump(&jumped, by: n)
            let expected = start.map { ClosedFormJump.state(after: n, from: $0, configuration) }
            #expect(jumped == expected, "\(configuration) n = \(n)")
        }
    }
}

/// An independent oracle for n steps of the affine families, written from the closed form
/// x_n = a^n·x + c·(1 + a + ... + a^(n-1)) with a top-down power/geometric-sum recursion (the
/// kernels compose maps bottom-up), in full-width arithmetic.
enum ClosedFormJump {
    /// a·b mod m; m = 0 means mod 2^64.
    static func multiply(_ a: UInt64, _ b: UInt64, _ m: UInt64) -> UInt64 {
        if m == 0 { return a &* b }
        return m.dividingFullWidth(a.multipliedFullWidth(by: b)).remainder
    }

    static func add(_ a: UInt64, _ b: UInt64, _ m: UInt64) -> UInt64 {
        if m == 0 { return a &+ b }
        let (sum, overflow) = (a % m).addingReportingOverflow(b % m)
        return overflow || sum >= m ? sum &- m : sum
    }

    /// (a^n, 1 + a + ... + a^(n-1)) mod m.
    static func powerAndSum(_ a: UInt64, _ n: UInt64, _ m: UInt64) -> (UInt64, UInt64) {
        if n == 0 { return (m == 1 ? 0 : 1, 0) }
        let (halfPower, halfSum) = powerAndSum(a, n / 2, m)
        var power = multiply(halfPower, halfPower, m)
        var sum = multiply(halfSum, add(1, halfPower, m), m)  // S(2k) = S(k)·(1 + a^k)
        if n % 2 == 1 {
            sum = add(sum, power, m)  // S(2k+1) = S(2k) + a^(2k)
            power = multiply(power, a, m)
        }
        return (power, sum)
    }

    static func affine(_ x: UInt64, a: UInt64, c: UInt64, m: UInt64, n: UInt64) -> UInt64 {
        let (power, sum) = powerAndSum(a, n, m)
        return add(multiply(power, x, m), multiply(c % (m == 0 ? .max : m), sum, m), m)
    }

    static func state(after n: UInt64, from state: PRNGState, _ configuration: PRNGConfiguration) -> PRNGState {
        var words = state.words
        let parameter = { configuration[parameter: $0] ?? 0 }
        switch configuration.family.id {
        case .lcg32:
            let m = parameter("m") == 0 ? UInt64(1) << 32 : parameter("m")
            words[0] = n == 0 ? words[0] : affine(words[0], a: parameter("a"), c: parameter("c"), m: m, n: n)
        case .java_lcg:
            words[0] = affine(words[0], a: parameter("a"), c: parameter("c"), m: 1 << 48, n: n)
        case .minstd:
            words[0] = affine(words[0], a: 48271, c: 0, m: 0x7FFF_FFFF, n: n)
        case .pcg32:
            words[0] = affine(words[0], a: 6_364_136_223_846_793_005, c: parameter("increment"), m: 0, n: n)
        case .philox4x32:
            words[0] = (words[0] &+ n) & 0xFFFF_FFFF
        default:
            preconditionFailure("\(configuration) has no jump-ahead")
        }
        return PRNGState(words: words)
    }
}
