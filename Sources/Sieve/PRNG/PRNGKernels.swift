import _SieveKernelsCPU

/// A generator's state as the host sees it: up to four words, laid out per family as the kernels'
/// `store` functions write them (mt19937 has none: its 624 words stay inside the kernel).
public struct PRNGState: Sendable, Hashable, CustomStringConvertible {
    public var words: [UInt64]

    public init(words: [UInt64]) {
        precondition(words.count <= 4, "a PRNGState holds at most 4 words")
        self.words = words + Array(repeating: 0, count: 4 - words.count)
    }

    public var description: String { "[" + words.map { "0x" + String($0, radix: 16) }.joined(separator: ", ") + "]" }

    init(_ state: PrngState) {
        self.words = [state.words.0, state.words.1, state.words.2, state.words.3]
    }

    var kernelState: PrngState {
        PrngState(words: (words[0], words[1], words[2], words[3]))
    }
}

// MARK: - Streams

extension PRNGConfiguration {
    /// The outputs of one seed's stream, computed by the `prng_generate` kernel:
    /// `out_{burn + (j+1)(skip+1)}` for `j` in `0 ..< count` (see docs/semantics.md §2).
    ///
    /// - Parameters:
    ///   - seed: the seed; it must fit the family's seed width.
    ///   - count: how many outputs to return.
    ///   - burn: outputs discarded after seeding, before the first.
    ///   - skip: outputs discarded before each returned one.
    /// - Returns: raw outputs, full width (32 or 64 bits), not reduced.
    ///
    /// ```swift
    /// try PRNGConfiguration(.java_lcg).outputs(seed: 1234, count: 5, skip: 5).map { $0 % 1000 }
    /// // [843, 814, 568, 312, 538]
    /// ```
    public func outputs(seed: UInt64, count: Int, burn: UInt64 = 0, skip: UInt64 = 0) throws(KernelError) -> [UInt64] {
        try outputs(firstSeed: seed, seedCount: 1, count: count, burn: burn, skip: skip)[0]
    }

    /// How the CPU runs a kernel body.
    public enum CPUExecution: Sendable, CaseIterable {
        /// One grid position per call: the Metal execution model (`ScalarLanes`).
        case perThread
        /// The same family bodies instantiated for 8 seeds per call (`VectorLanes<8>`).
        case vectorLanes
    }

    /// The streams of the consecutive seeds `firstSeed ..< firstSeed + seedCount`, one array of
    /// `count` outputs per seed (see ``outputs(seed:count:burn:skip:)``), computed in parallel, one
    /// kernel thread per seed. (A first seed and a count, not a `Range`, so that the last 64-bit
    /// seed can be named.)
    public func outputs(
        firstSeed: UInt64, seedCount: Int, count: Int, burn: UInt64 = 0, skip: UInt64 = 0,
        execution: CPUExecution = .perThread
    ) throws(KernelError) -> [[UInt64]] {
        precondition(seedCount >= 0 && seedCount <= Int(UInt32.max))
        precondition(seedCount == 0 || (firstSeed <= family.maxSeed && family.maxSeed - firstSeed >= UInt64(seedCount - 1)),
                     "seeds beyond \(family.name)'s \(family.seedBits)-bit width")
        precondition(count >= 0 && count <= Int(UInt32.max))
        guard seedCount > 0, count > 0 else { return Array(repeating: [], count: seedCount) }
        let kernel = try CPUKernel(.prngGenerate)
        var args = GenerateArgs()
        args.params = kernelParams
        args.seed_first = firstSeed
        args.burn = burn
        args.skip = skip
        args.count = UInt32(count)
        args.thread_count = UInt32(seedCount)
        var flat = [UInt64](repeating: 0, count: seedCount * count)
        withUnsafeMutableBytes(of: &args) { argsBytes in
            flat.withUnsafeMutableBytes { outputBytes in
                let buffers = [argsBytes.baseAddress!, outputBytes.baseAddress!]
                switch execution {
                case .perThread:
                    kernel.dispatch(gridSize: seedCount, buffers: buffers)
                case .vectorLanes:
                    let shared = SendableBuffers(pointers: buffers)
                    CPUGrid.forEachChunk(gridSize: seedCount, threads: CPUKernel.defaultThreadCount) { range in
                        sieve_cpu_generate_lanes(
                            shared.pointers[0].assumingMemoryBound(to: GenerateArgs.self),
                            shared.pointers[1].assumingMemoryBound(to: UInt64.self),
                            range.lowerBound, range.upperBound)
                    }
                }
            }
        }
        return (0..<seedCount).map { Array(flat[($0 * count)..<(($0 + 1) * count)]) }
    }
}

// MARK: - States

extension PRNGConfiguration {
    /// The states right after seeding with `firstSeed ..< firstSeed + seedCount` (the
    /// `prng_state_init` kernel).
    public func initialStates(firstSeed: UInt64, seedCount: Int) throws(KernelError) -> [PRNGState] {
        precondition(seedCount == 0 || (firstSeed <= family.maxSeed && family.maxSeed - firstSeed >= UInt64(seedCount - 1)),
                     "seeds beyond \(family.name)'s \(family.seedBits)-bit width")
        var states = [PRNGState](repeating: PRNGState(words: []), count: seedCount)
        try runStateKernel(.prngStateInit, on: &states, seedFirst: firstSeed)
        return states
    }

    /// Advances every state one step; returns the outputs of that step (`prng_state_next`).
    public func next(_ states: inout [PRNGState]) throws(KernelError) -> [UInt64] {
        var outputs = [UInt64](repeating: 0, count: states.count)
        try runStateKernel(.prngStateNext, on: &states, outputs: &outputs)
        return outputs
    }

    /// Moves every state back one step, exactly undoing ``next(_:)`` (`prng_state_prev`).
    ///
    /// - Throws: ``KernelError/notInvertible(_:)`` when these parameters give no exact inverse.
    public func previous(_ states: inout [PRNGState]) throws(KernelError) {
        guard isInvertible else { throw KernelError.notInvertible(description) }
        try runStateKernel(.prngStatePrev, on: &states)
    }

    /// Advances every state by `steps` single steps, one at a time (`prng_state_step`).
    public func step(_ states: inout [PRNGState], by steps: UInt64) throws(KernelError) {
        try runStateKernel(.prngStateStep, on: &states, steps: steps)
    }

    /// Advances every state by `steps` with the family's discard: one O(log n) jump for families
    /// with ``PRNGFamily/hasJumpAhead``, single steps otherwise (`prng_state_jump`).
    public func jump(_ states: inout [PRNGState], by steps: UInt64) throws(KernelError) {
        try runStateKernel(.prngStateJump, on: &states, steps: steps)
    }

    private func runStateKernel(
        _ name: KernelName, on states: inout [PRNGState], seedFirst: UInt64 = 0, steps: UInt64 = 0
    ) throws(KernelError) {
        var noOutputs: [UInt64] = []
        try runStateKernel(name, on: &states, seedFirst: seedFirst, steps: steps, outputs: &noOutputs)
    }

    /// Runs a state kernel; `outputs`, when not empty, is bound as its second device buffer.
    private func runStateKernel(
        _ name: KernelName, on states: inout [PRNGState], seedFirst: UInt64 = 0, steps: UInt64 = 0,
        outputs: inout [UInt64]
    ) throws(KernelError) {
        guard family.id != .mt19937 else { throw KernelError.stateNotExposed(family.id) }
        let kernel = try CPUKernel(name)
        precondition(kernel.bufferCount == 2 || outputs.count == states.count, "\(name.rawValue) writes one output per state")
        var args = StateArgs()
        args.params = kernelParams
        args.seed_first = seedFirst
        args.steps = steps
        args.thread_count = UInt32(states.count)
        var raw = states.map(\.kernelState)
        withUnsafeMutableBytes(of: &args) { argsBytes in
            raw.withUnsafeMutableBytes { stateBytes in
                outputs.withUnsafeMutableBytes { outputBytes in
                    var buffers = [argsBytes.baseAddress!, stateBytes.baseAddress!]
                    if kernel.bufferCount == 3, let outputAddress = outputBytes.baseAddress { buffers.append(outputAddress) }
                    kernel.dispatch(gridSize: states.count, buffers: buffers)
                }
            }
        }
        states = raw.map(PRNGState.init)
    }
}
