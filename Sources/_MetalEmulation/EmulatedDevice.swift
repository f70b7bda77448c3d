import Dispatch
import Foundation

/// A Metal device whose GPU is the CPU: it compiles nothing, and runs the per-thread CPU build of
/// the project's kernels (`_SieveKernelsCPU`) for every thread of a dispatch.
///
/// It conforms to ``MTLDevice`` exactly as a real device does, so that code written against
/// Metal runs unchanged on it:
/// - ``makeLibrary(source:options:)`` resolves the `kernel void NAME(` declarations of the source,
///   and fails as Metal's compiler does on a quoted `#include` it cannot resolve;
/// - ``makeComputePipelineState(function:)`` binds the function's name to the CPU build's kernel of
///   that name, and fails when the CPU build has none;
/// - a committed command buffer runs its dispatches on a background queue, every grid position
///   once, spread across cores, then completes with its status, error and GPU times set.
///
/// It is obtained explicitly (``MTLCreateSystemDefaultDevice()`` returns `nil` on a machine
/// without Metal). Tests use its fault injection (``injectCommandBufferFailure(_:after:)``,
/// ``refusals``) and its modelled timing (``Timing/modeled(secondsPerThread:)``), and read ``statistics``.
///
/// ```swift
/// let device = MTLEmulatedDevice()
/// let library = try device.makeLibrary(source: source, options: nil)
/// guard let function = library.makeFunction(name: "prng_generate") else { throw … }
/// let pipeline = try device.makeComputePipelineState(function: function)
/// ```
public final class MTLEmulatedDevice: NSObject, MTLDevice, @unchecked Sendable {
    /// How the emulated GPU reports `gpuStartTime` and `gpuEndTime`.
    public enum Timing: Sendable, Equatable {
        /// The host time the CPU took to run the command buffer.
        case measured
        /// A modelled duration: this many seconds per grid thread dispatched (the CPU still runs
        /// every thread). Makes timing-driven host logic deterministic in tests.
        case modeled(secondsPerThread: Double)
    }

    /// What the device has done, for tests.
    public struct Statistics: Sendable, Equatable {
        /// Buffers created with `makeBuffer`.
        public var buffersAllocated = 0
        /// Libraries compiled.
        public var librariesCompiled = 0
        /// Compute pipelines created.
        public var pipelinesCreated = 0
        /// Command buffers committed.
        public var commandBuffersCommitted = 0
        /// Dispatches run (failed command buffers run none).
        public var dispatchesRun = 0
        /// Grid threads run.
        public var threadsRun: UInt64 = 0
    }

    public let name: String
    public let timing: Timing
    /// How many CPU threads run a dispatch.
    public let threads: Int
    public var maxThreadsPerThreadgroup: MTLSize { MTLSize(width: 1024, height: 1024, depth: 1024) }
    public var hasUnifiedMemory: Bool { true }

    /// Objects the device can be told to refuse, as Metal does (a `nil` result) when it is out of
    /// resources.
    public struct Refusals: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        /// `makeCommandQueue()` returns `nil`.
        public static let commandQueues = Refusals(rawValue: 1)
        /// `MTLCommandQueue.makeCommandBuffer()` returns `nil`.
        public static let commandBuffers = Refusals(rawValue: 2)
        /// `makeBuffer(length:options:)` and `makeBuffer(bytes:length:options:)` return `nil`.
        public static let buffers = Refusals(rawValue: 4)
    }

    private let lock = NSLock()
    private var _statistics = Statistics()
    private var _refusals: Refusals = []
    private var pendingFaults: [(skip: Int, code: MTLCommandBufferError.Code)] = []

    /// - Parameters:
    ///   - timing: how GPU times are reported.
    ///   - threads: the CPU threads a dispatch uses (all cores by default).
    public init(timing: Timing = .measured, threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.name = "Emulated Metal device (the per-thread CPU kernels)"
        self.timing = timing
        self.threads = max(1, threads)
        super.init()
    }

    /// What the device has done so far.
    public var statistics: Statistics { lock.withLock { _statistics } }

    /// What the device refuses to make from now on (until set again).
    public var refusals: Refusals {
        get { lock.withLock { _refusals } }
        set { lock.withLock { _refusals = newValue } }
    }

    /// Makes a command buffer committed later fail as a GPU fault would: its status becomes
    /// `.error`, its `error` an ``MTLCommandBufferError`` with `code`, and none of its dispatches run.
    ///
    /// - Parameters:
    ///   - code: the error code the command buffer reports.
    ///   - skip: how many command buffers committed from now on complete normally first.
    public func injectCommandBufferFailure(_ code: MTLCommandBufferError.Code = .internal, after skip: Int = 0) {
        precondition(skip >= 0)
        lock.withLock { pendingFaults.append((skip, code)) }
    }

    // MARK: MTLDevice

    public func makeCommandQueue() -> (any MTLCommandQueue)? {
        refusals.contains(.commandQueues) ? nil : EmulatedCommandQueue(device: self)
    }

    public func makeLibrary(source: String, options: MTLCompileOptions?) throws -> any MTLLibrary {
        let library = try EmulatedCompiler.compile(source: source, options: options, device: self)
        count { $0.librariesCompiled += 1 }
        return library
    }

    public func makeComputePipelineState(function computeFunction: any MTLFunction) throws -> any MTLComputePipelineState {
        guard let function = computeFunction as? EmulatedFunction, function.device === self else {
            throw MTLLibraryError(.internal, userInfo: [
                NSLocalizedDescriptionKey: "the function was not made by this emulated device's library",
            ])
        }
        let pipeline = try EmulatedComputePipelineState(function: function)
        count { $0.pipelinesCreated += 1 }
        return pipeline
    }

    public func makeBuffer(length: Int, options: MTLResourceOptions) -> (any MTLBuffer)? {
        guard length > 0, !refusals.contains(.buffers) else { return nil }
        count { $0.buffersAllocated += 1 }
        return EmulatedBuffer(device: self, length: length, options: options)
    }

    public func makeBuffer(bytes pointer: UnsafeRawPointer, length: Int, options: MTLResourceOptions) -> (any MTLBuffer)? {
        guard length > 0, !refusals.contains(.buffers) else { return nil }
        let buffer = EmulatedBuffer(device: self, length: length, options: options)
        buffer.contents().copyMemory(from: pointer, byteCount: length)
        count { $0.buffersAllocated += 1 }
        return buffer
    }

    // MARK: Internal

    func count(_ update: (inout Statistics) -> Void) {
        lock.withLock { update(&_statistics) }
    }

    /// The fault the command buffer being committed now must report, if one is due.
    func takeFault() -> MTLCommandBufferError.Code? {
        lock.withLock {
            _statistics.commandBuffersCommitted += 1
            var due: MTLCommandBufferError.Code?
            if let index = pendingFaults.firstIndex(where: { $0.skip == 0 }) {
                due = pendingFaults.remove(at: index).code
            }
            for i in pendingFaults.indices where pendingFaults[i].skip > 0 {
                pendingFaults[i].skip -= 1
            }
            return due
        }
    }
}
