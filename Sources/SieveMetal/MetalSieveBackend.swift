import Foundation
import Sieve
import _SieveKernelsCPU

#if canImport(Metal)
@preconcurrency import Metal
#else
import _MetalEmulation
#endif

/// Runs sieve plans on a Metal GPU, with the kernels of `Shaders/` (one thread per seed).
///
/// The same sieve as ``CPUSieveBackend``, record for record: it fills the same kernel arguments
/// (`SievePlan.kernelArgs`) and runs the same kernels (`sieve_strided` for the jump families,
/// `sieve_streamed` otherwise), and ``SieveExecutor`` drives both alike: it cuts the range into
/// dispatches, re-splits a dispatch whose survivors overflow the record buffer (the kernels'
/// counter keeps counting past the capacity), and prunes low-bit classes. What is Metal's own:
///
/// - one ``MetalContext`` per device: the embedded shaders compiled once, pipelines cached;
/// - three shared-storage buffers (draws, counter, records), allocated on first use and reused by
///   every later call: a sweep allocates them once;
/// - dispatches sized to about 75 ms of GPU time from the measured times of the dispatches before
///   (``DispatchSizer``), so that no command buffer trips the display watchdog;
/// - every command buffer waited for and checked: a failure throws
///   ``MetalBackendError/commandBufferFailed(kernel:chunk:status:message:)``, naming the kernel and
///   the chunk.
///
/// On a machine without Metal it runs on ``MetalPlatform/defaultDevice()``, an emulated device
/// whose dispatches run the per-thread CPU kernels: slow, but the same host logic.
///
/// ```swift
/// let backend = try MetalSieveBackend()                       // the system's GPU
/// let survivors = try backend.survivors(of: plan, seeds: SeedRange(first: 0, last: 1 << 32 - 1))
/// ```
public final class MetalSieveBackend: SieveDispatchBackend, @unchecked Sendable {
    /// How the backend runs; tests use it to force overflows and command-buffer failures.
    public struct Configuration: Sendable {
        /// The kernel body; `nil` takes the plan's (strided for jump families, streamed otherwise).
        public var strategy: SievePlan.Strategy?
        /// Records the buffer holds before a chunk is re-run in pieces.
        public var capacity: Int = 1 << 18
        /// Threads per threadgroup (rounded to the pipeline's SIMD width and limit).
        public var threadgroupSize: Int = 256
        /// How dispatches are sized.
        public var sizing = DispatchSizer.Policy()
        /// Failures to inject, for tests of the error paths on any device.
        public var faults = FaultInjection()
        /// Whether the executor may skip low-bit classes that cannot pass (exact either way).
        public var pruneLowBitClasses = true

        public init(strategy: SievePlan.Strategy? = nil, capacity: Int = 1 << 18, pruneLowBitClasses: Bool = true) {
            precondition(capacity >= 1 && capacity <= Int(UInt32.max))
            self.strategy = strategy
            self.capacity = capacity
            self.pruneLowBitClasses = pruneLowBitClasses
        }
    }

    /// Failures the backend simulates, so that its error handling is tested on a real GPU too.
    public struct FaultInjection: Sendable, Equatable {
        /// Command buffers (counted from 0 over the backend's life) reported as failed after
        /// they complete, as if the GPU had faulted.
        public var failingCommandBuffers: Set<Int> = []
        public init(failingCommandBuffers: Set<Int> = []) {
            self.failingCommandBuffers = failingCommandBuffers
        }
    }

    /// What the backend has done, summed over its life (or since ``resetStatistics()``).
    public struct Statistics: Sendable, Equatable {
        /// Command buffers committed, each with one dispatch.
        public var dispatches = 0
        /// Seeds dispatched, overflow re-runs included.
        public var seedsDispatched: UInt64 = 0
        /// GPU time of all dispatches, and of the longest.
        public var gpuSeconds: Double = 0
        public var longestDispatchSeconds: Double = 0
        /// Chunks whose records overflowed the buffer and were re-run in pieces.
        public var overflows = 0
        /// Buffers allocated (three on first use; more only when the draws outgrow theirs).
        public var bufferAllocations = 0
        /// The seed counts of the dispatches, in order (the last 4096).
        public var dispatchSizes: [UInt64] = []
    }

    public let context: MetalContext
    public let configuration: Configuration

    private let lock = NSLock()
    private var sizer: DispatchSizer
    private var buffers: Buffers?
    /// The plan whose words the draws buffer holds, and whether with its class table's.
    private var loadedWords: (plan: PlanIdentity, pruned: Bool)?
    private var _statistics = Statistics()
    private var commandBuffersCommitted = 0

    /// The shared-storage buffers the kernels read and write.
    private struct Buffers {
        var draws: any MTLBuffer
        let counter: any MTLBuffer
        let records: any MTLBuffer
    }

    /// A backend on `context`'s device.
    public init(context: MetalContext, configuration: Configuration = Configuration()) {
        self.context = context
        self.configuration = configuration
        self.sizer = DispatchSizer(policy: configuration.sizing)
    }

    /// A backend on `device` (the embedded shaders compiled once per device).
    public convenience init(device: any MTLDevice, configuration: Configuration = Configuration()) throws {
        self.init(context: try MetalContext.shared(for: device), configuration: configuration)
    }

    /// A backend on ``MetalPlatform/defaultDevice()``: the system's GPU, or where Metal does not
    /// exist, the emulated device.
    ///
    /// - Throws: ``MetalBackendError/noDevice`` when Metal exists but has no device.
    public convenience init(configuration: Configuration = Configuration()) throws {
        guard let device = MetalPlatform.defaultDevice() else { throw MetalBackendError.noDevice }
        try self.init(device: device, configuration: configuration)
    }

    /// "metal", or "metal (emulated)" when the device is the CPU emulation.
    public var name: String { context.isEmulated ? "metal (emulated)" : "metal" }

    /// The device's name.
    public var deviceName: String { context.device.name }

    public var statistics: Statistics { lock.withLock { _statistics } }

    public func resetStatistics() {
        lock.withLock {
            let allocations = _statistics.bufferAllocations
            _statistics = Statistics()
            _statistics.bufferAllocations = allocations
        }
    }

    public var recordCapacity: Int { configuration.capacity }
    public var pruneLowBitClasses: Bool { configuration.pruneLowBitClasses }

    /// The dispatch sizer's size for the plan: about ``DispatchSizer/Policy/targetSeconds`` of GPU time.
    public func preferredDispatchSeeds(for identity: PlanIdentity) -> UInt64 {
        lock.withLock { sizer.preferredSeeds(for: identity, capacity: configuration.capacity) }
    }

    /// Runs one dispatch as one command buffer, waited for and checked; the sizer learns from its
    /// time.
    ///
    /// - Throws: ``MetalBackendError`` naming the kernel and the chunk (the dispatch) when the
    ///   command buffer cannot be made or does not complete.
    public func execute(_ dispatch: SieveDispatch, of plan: SievePlan, identity: PlanIdentity) throws -> SieveDispatch.Outcome {
        let strategy = configuration.strategy ?? plan.strategy
        precondition(strategy == .streamed || plan.parameters.prng.family.hasJumpAhead,
                     "the strided body needs a family with jump-ahead")
        let kernel: KernelName = strategy == .strided ? .sieveStrided : .sieveStreamed
        let pipeline = try context.pipeline(for: kernel.rawValue)
        let chunk = MetalBackendError.Chunk(dispatch)
        let capacity = UInt32(min(configuration.capacity, dispatch.capacity))

        lock.lock()
        defer { lock.unlock() }
        let buffers = try prepareBuffers(for: plan, identity: identity, pruning: dispatch.pruned?.table)
        let run = Run(plan: plan, kernel: kernel.rawValue, pipeline: pipeline, buffers: buffers)
        let (counter, seconds) = try execute(run, dispatch, chunk, capacity: capacity)
        sizer.record(for: identity, seeds: chunk.seedCount, seconds: seconds, survivors: UInt64(counter))
        if counter > capacity { _statistics.overflows += 1 }
        let kept = Int(min(counter, capacity))
        let records = buffers.records.contents().bindMemory(to: SieveRecord.self, capacity: max(kept, 1))
        let survivors = (0..<kept).map { SurvivorRecord(records[$0]) }
        return SieveDispatch.Outcome(survivors: survivors, survivorCount: UInt64(counter))
    }

    // MARK: - Dispatching

    private struct Run {
        let plan: SievePlan
        let kernel: String
        let pipeline: any MTLComputePipelineState
        let buffers: Buffers
    }

    /// Encodes, commits and waits for one dispatch of `chunk`; returns the survivor counter (which
    /// counts past `capacity`) and the GPU seconds it took.
    private func execute(_ run: Run, _ dispatch: SieveDispatch, _ chunk: MetalBackendError.Chunk,
                         capacity: UInt32) throws -> (counter: UInt32, seconds: Double) {
        var args = run.plan.kernelArgs(for: dispatch, capacity: capacity)
        run.buffers.counter.contents().storeBytes(of: UInt32(0), as: UInt32.self)
        guard let commandBuffer = context.queue.makeCommandBuffer(),
              let encoder = commandBuffer.makeComputeCommandEncoder()
        else {
            throw MetalBackendError.encodingUnavailable(kernel: run.kernel, chunk: chunk)
        }
        commandBuffer.label = "\(run.kernel) \(chunk)"
        encoder.label = run.kernel
        encoder.setComputePipelineState(run.pipeline)
        encoder.setBytes(&args, length: MemoryLayout<SieveArgs>.size, index: 0)
        encoder.setBuffer(run.buffers.draws, offset: 0, index: 1)
        encoder.setBuffer(run.buffers.counter, offset: 0, index: 2)
        encoder.setBuffer(run.buffers.records, offset: 0, index: 3)
        let width = max(1, run.pipeline.threadExecutionWidth)
        var group = min(configuration.threadgroupSize, run.pipeline.maxTotalThreadsPerThreadgroup)
        group = max(width, group - group % width)
        group = min(group, run.pipeline.maxTotalThreadsPerThreadgroup)
        // Whole threadgroups (every Metal GPU takes these); the kernels skip positions past the
        // seed count.
        let groups = Int((chunk.seedCount + UInt64(group) - 1) / UInt64(group))
        encoder.dispatchThreadgroups(MTLSize(width: groups, height: 1, depth: 1),
                                     threadsPerThreadgroup: MTLSize(width: group, height: 1, depth: 1))
        encoder.endEncoding()
        let started = ProcessInfo.processInfo.systemUptime
        commandBuffer.commit()
        commandBuffer.waitUntilCompleted()
        let wall = ProcessInfo.processInfo.systemUptime - started
        let number = commandBuffersCommitted
        commandBuffersCommitted += 1

        try check(commandBuffer, injectedFault: configuration.faults.failingCommandBuffers.contains(number),
                  kernel: run.kernel, chunk: chunk)
        let gpu = commandBuffer.gpuEndTime - commandBuffer.gpuStartTime
        let seconds = gpu > 0 ? gpu : wall
        _statistics.dispatches += 1
        _statistics.seedsDispatched += chunk.seedCount
        _statistics.gpuSeconds += seconds
        _statistics.longestDispatchSeconds = max(_statistics.longestDispatchSeconds, seconds)
        if _statistics.dispatchSizes.count >= 4096 { _statistics.dispatchSizes.removeFirst() }
        _statistics.dispatchSizes.append(chunk.seedCount)
        return (run.buffers.counter.contents().load(as: UInt32.self), seconds)
    }

    /// Throws unless `commandBuffer` completed: its status and error, named by kernel and chunk.
    private func check(_ commandBuffer: any MTLCommandBuffer, injectedFault: Bool, kernel: String,
                       chunk: MetalBackendError.Chunk) throws {
        let status = commandBuffer.status
        if injectedFault {
            throw MetalBackendError.commandBufferFailed(
                kernel: kernel, chunk: chunk, status: "error",
                message: "fault injected by MetalSieveBackend.Configuration.faults (the GPU reported \(Self.describe(status)))")
        }
        guard status == .completed else {
            let message = commandBuffer.error.map { ($0 as NSError).localizedDescription } ?? "no error reported"
            throw MetalBackendError.commandBufferFailed(kernel: kernel, chunk: chunk, status: Self.describe(status), message: message)
        }
    }

    /// A status's name (a lookup rather than a switch: Metal's enum is open on a Mac, closed here).
    static func describe(_ status: MTLCommandBufferStatus) -> String {
        let names: [(MTLCommandBufferStatus, String)] = [
            (.notEnqueued, "notEnqueued"), (.enqueued, "enqueued"), (.committed, "committed"),
            (.scheduled, "scheduled"), (.completed, "completed"), (.error, "error"),
        ]
        return names.first { $0.0 == status }?.1 ?? "status \(status.rawValue)"
    }

    // MARK: - Buffers

    /// The shared buffers, allocated once and reused, with `plan`'s words in the draws buffer (its
    /// draws, and its class table's words for a pruned dispatch: copied when they differ from the
    /// last dispatch's); the draws buffer grows when a plan needs more.
    private func prepareBuffers(for plan: SievePlan, identity: PlanIdentity, pruning: LowBitClassTable?) throws -> Buffers {
        if let buffers, let loadedWords, loadedWords.plan == identity, loadedWords.pruned == (pruning != nil) { return buffers }
        let draws = plan.kernelWords(pruning: pruning)
        let drawBytes = draws.count * MemoryLayout<UInt32>.stride
        if buffers == nil {
            let recordBytes = configuration.capacity * MemoryLayout<SieveRecord>.stride
            buffers = Buffers(draws: try allocate(max(drawBytes, 4096), "the draws"),
                              counter: try allocate(16, "the survivor counter"),
                              records: try allocate(recordBytes, "\(configuration.capacity) survivor records"))
        }
        guard var prepared = buffers else { preconditionFailure("buffers were just allocated") }
        if prepared.draws.length < drawBytes {
            prepared.draws = try allocate(drawBytes.nextPowerOfTwo, "the draws")
            buffers = prepared
        }
        let destination = prepared.draws.contents()
        draws.withUnsafeBytes { bytes in
            destination.copyMemory(from: bytes.baseAddress ?? UnsafeRawPointer(destination), byteCount: bytes.count)
        }
        loadedWords = (identity, pruning != nil)
        return prepared
    }

    private func allocate(_ bytes: Int, _ purpose: String) throws -> any MTLBuffer {
        guard let buffer = context.device.makeBuffer(length: bytes, options: .storageModeShared) else {
            throw MetalBackendError.bufferAllocation(purpose: purpose, bytes: bytes)
        }
        buffer.label = purpose
        _statistics.bufferAllocations += 1
        return buffer
    }
}

extension Int {
    fileprivate var nextPowerOfTwo: Int {
        self <= 1 ? 1 : 1 << (Int.bitWidth - (self - 1).leadingZeroBitCount)
    }
}
