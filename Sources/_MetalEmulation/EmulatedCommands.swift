import Dispatch
import Foundation
import _SieveKernelsCPU

// Queues, command buffers, encoders and buffers of the emulated device.
//
// Misuse that Metal's API validation layer reports as a fatal error (encoding after
// `endEncoding()`, committing twice, committing with an encoder still open, waiting on an
// uncommitted buffer, a threadgroup larger than the pipeline allows, a dispatch without a pipeline
// or with an unbound buffer, `setBytes` of 4 KB or more) stops the program here too, with a message
// that names the rule.

/// A command queue: command buffers it makes run one after another, in commit order.
final class EmulatedCommandQueue: NSObject, MTLCommandQueue, @unchecked Sendable {
    let emulatedDevice: MTLEmulatedDevice
    /// Runs committed command buffers in order, off the committing thread (as a GPU does).
    let execution: DispatchQueue
    var label: String?

    init(device: MTLEmulatedDevice) {
        self.emulatedDevice = device
        self.execution = DispatchQueue(label: "MTLEmulatedDevice.queue")
        super.init()
    }

    var device: any MTLDevice { emulatedDevice }

    func makeCommandBuffer() -> (any MTLCommandBuffer)? {
        emulatedDevice.refusals.contains(.commandBuffers) ? nil : EmulatedCommandBuffer(queue: self)
    }
}

/// A buffer in (shared) host memory, zeroed when made.
final class EmulatedBuffer: NSObject, MTLBuffer, @unchecked Sendable {
    let emulatedDevice: MTLEmulatedDevice
    let length: Int
    let resourceOptions: MTLResourceOptions
    private let storage: UnsafeMutableRawPointer
    var label: String?

    init(device: MTLEmulatedDevice, length: Int, options: MTLResourceOptions) {
        precondition(length > 0)
        self.emulatedDevice = device
        self.length = length
        self.resourceOptions = options
        // Metal aligns buffers to at least 16 bytes (the constant address space's alignment).
        self.storage = UnsafeMutableRawPointer.allocate(byteCount: length, alignment: 256)
        storage.initializeMemory(as: UInt8.self, repeating: 0, count: length)
        super.init()
    }

    deinit {
        storage.deallocate()
    }

    var device: any MTLDevice { emulatedDevice }
    var storageMode: MTLStorageMode { MTLStorageMode(rawValue: (resourceOptions.rawValue >> 4) & 0xF) ?? .shared }
    var allocatedSize: Int { length }

    func contents() -> UnsafeMutableRawPointer {
        precondition(storageMode != .private, "contents() of a buffer in private storage (the CPU cannot see it)")
        return storage
    }
}

/// One argument-table entry, as a dispatch saw it.
enum EmulatedBinding {
    /// A buffer and an offset into it (the buffer is retained until the command buffer completes).
    case buffer(EmulatedBuffer, offset: Int)
    /// Bytes copied at `setBytes` time.
    case bytes(EmulatedBytes)

    var pointer: UnsafeMutableRawPointer {
        switch self {
        case .buffer(let buffer, let offset): buffer.contents() + offset
        case .bytes(let bytes): bytes.pointer
        }
    }
}

/// A copy of `setBytes` data, aligned as Metal's constant address space requires.
final class EmulatedBytes: @unchecked Sendable {
    let pointer: UnsafeMutableRawPointer
    init(copying bytes: UnsafeRawPointer, length: Int) {
        pointer = UnsafeMutableRawPointer.allocate(byteCount: max(length, 1), alignment: 16)
        pointer.copyMemory(from: bytes, byteCount: length)
    }
    deinit {
        pointer.deallocate()
    }
}

/// One recorded dispatch: a kernel, its bindings and its grid.
struct EmulatedDispatch {
    let pipeline: EmulatedComputePipelineState
    let bindings: [EmulatedBinding]
    let threads: UInt32
}

/// A command buffer: encoders record dispatches; `commit()` runs them on the queue's executor.
final class EmulatedCommandBuffer: NSObject, MTLCommandBuffer, @unchecked Sendable {
    let queue: EmulatedCommandQueue
    private let lock = NSLock()
    private let finished = DispatchGroup()
    private var _status: MTLCommandBufferStatus = .notEnqueued
    private var _error: (any Error)?
    private var _gpuStartTime: CFTimeInterval = 0
    private var _gpuEndTime: CFTimeInterval = 0
    private var handlers: [MTLCommandBufferHandler] = []
    private var dispatches: [EmulatedDispatch] = []
    private var openEncoder = false
    var label: String?

    init(queue: EmulatedCommandQueue) {
        self.queue = queue
        super.init()
    }

    var device: any MTLDevice { queue.emulatedDevice }
    var commandQueue: any MTLCommandQueue { queue }
    var status: MTLCommandBufferStatus { lock.withLock { _status } }
    var error: (any Error)? { lock.withLock { _error } }
    var gpuStartTime: CFTimeInterval { lock.withLock { _gpuStartTime } }
    var gpuEndTime: CFTimeInterval { lock.withLock { _gpuEndTime } }

    func makeComputeCommandEncoder() -> (any MTLComputeCommandEncoder)? {
        lock.withLock {
            precondition(_status == .notEnqueued, "makeComputeCommandEncoder() on a committed command buffer")
            precondition(!openEncoder, "makeComputeCommandEncoder() while another encoder is still encoding")
            openEncoder = true
        }
        return EmulatedComputeCommandEncoder(commandBuffer: self)
    }

    func addCompletedHandler(_ block: @escaping MTLCommandBufferHandler) {
        lock.withLock {
            precondition(_status == .notEnqueued, "addCompletedHandler(_:) after commit()")
            handlers.append(block)
        }
    }

    func commit() {
        let work: [EmulatedDispatch] = lock.withLock {
            precondition(_status == .notEnqueued, "commit() called twice")
            precondition(!openEncoder, "commit() with an encoder that has not called endEncoding()")
            _status = .committed
            let work = dispatches
            dispatches = []
            return work
        }
        finished.enter()
        queue.execution.async { [self] in
            run(work)
            finished.leave()
        }
    }

    func waitUntilCompleted() {
        precondition(status != .notEnqueued, "waitUntilCompleted() on a command buffer that was never committed")
        finished.wait()
    }

    // MARK: Encoding and execution

    func record(_ dispatch: EmulatedDispatch) {
        lock.withLock { dispatches.append(dispatch) }
    }

    func encoderEnded() {
        lock.withLock { openEncoder = false }
    }

    private func run(_ work: [EmulatedDispatch]) {
        let device = queue.emulatedDevice
        lock.withLock { _status = .scheduled }
        let start = ProcessInfo.processInfo.systemUptime
        var failure: (any Error)?
        if let code = device.takeFault() {
            failure = MTLCommandBufferError(code, userInfo: [
                NSLocalizedDescriptionKey: "Emulated GPU fault (\(code), injected with MTLEmulatedDevice.injectCommandBufferFailure); "
                    + "no command of this buffer ran",
            ])
        } else {
            for dispatch in work {
                execute(dispatch, threads: device.threads)
                device.count {
                    $0.dispatchesRun += 1
                    $0.threadsRun += UInt64(dispatch.threads)
                }
            }
        }
        var end = ProcessInfo.processInfo.systemUptime
        if case .modeled(let secondsPerThread) = device.timing {
            end = start + secondsPerThread * Double(work.reduce(UInt64(0)) { $0 + UInt64($1.threads) })
        }
        let completed: [MTLCommandBufferHandler] = lock.withLock {
            _gpuStartTime = start
            _gpuEndTime = end
            _error = failure
            _status = failure == nil ? .completed : .error
            let completed = handlers
            handlers = []
            return completed
        }
        for handler in completed { handler(self) }
    }

    /// Runs every grid position of a dispatch: contiguous chunks handed to idle CPU threads.
    private func execute(_ dispatch: EmulatedDispatch, threads: Int) {
        let pointers = EmulatedPointers(dispatch.bindings.map { Optional($0.pointer) })
        let kernel = dispatch.pipeline.kernelIndex
        let total = UInt64(dispatch.threads)
        guard total > 0 else { return }
        let chunks = Int(min(total, UInt64(threads * 8)))
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let begin = UInt32(total * UInt64(chunk) / UInt64(chunks))
            let end = UInt32(total * UInt64(chunk + 1) / UInt64(chunks))
            pointers.values.withUnsafeBufferPointer { table in
                sieve_cpu_kernel_run(kernel, table.baseAddress, begin, end)
            }
        }
    }
}

/// Raw binding addresses handed to worker threads; the dispatch retains the memory behind them.
struct EmulatedPointers: @unchecked Sendable {
    let values: [UnsafeMutableRawPointer?]
    init(_ values: [UnsafeMutableRawPointer?]) { self.values = values }
}

/// A compute encoder: a pipeline, an argument table, and the dispatches that use them.
final class EmulatedComputeCommandEncoder: NSObject, MTLComputeCommandEncoder, @unchecked Sendable {
    let commandBuffer: EmulatedCommandBuffer
    private var pipeline: EmulatedComputePipelineState?
    private var table: [Int: EmulatedBinding] = [:]
    private var ended = false
    var label: String?

    init(commandBuffer: EmulatedCommandBuffer) {
        self.commandBuffer = commandBuffer
        super.init()
    }

    var device: any MTLDevice { commandBuffer.queue.emulatedDevice }

    func setComputePipelineState(_ state: any MTLComputePipelineState) {
        precondition(!ended, "setComputePipelineState(_:) after endEncoding()")
        guard let state = state as? EmulatedComputePipelineState, state.device === device else {
            preconditionFailure("setComputePipelineState(_:) with a pipeline of another device")
        }
        pipeline = state
    }

    func setBuffer(_ buffer: (any MTLBuffer)?, offset: Int, index: Int) {
        precondition(!ended, "setBuffer(_:offset:index:) after endEncoding()")
        precondition(index >= 0 && index < 31, "buffer index \(index) outside the argument table (0 ..< 31)")
        guard let buffer else {
            table[index] = nil
            return
        }
        guard let emulated = buffer as? EmulatedBuffer, emulated.device === device else {
            preconditionFailure("setBuffer(_:offset:index:) with a buffer of another device")
        }
        precondition(offset >= 0 && offset < emulated.length, "buffer offset \(offset) outside a \(emulated.length)-byte buffer")
        table[index] = .buffer(emulated, offset: offset)
    }

    func setBytes(_ bytes: UnsafeRawPointer, length: Int, index: Int) {
        precondition(!ended, "setBytes(_:length:index:) after endEncoding()")
        precondition(index >= 0 && index < 31, "buffer index \(index) outside the argument table (0 ..< 31)")
        precondition(length > 0 && length < 4096, "setBytes(_:length:index:) takes less than 4 KB, not \(length) bytes")
        table[index] = .bytes(EmulatedBytes(copying: bytes, length: length))
    }

    func dispatchThreads(_ threadsPerGrid: MTLSize, threadsPerThreadgroup: MTLSize) {
        dispatch(threads: (threadsPerGrid.width, threadsPerGrid.height, threadsPerGrid.depth), group: threadsPerThreadgroup)
    }

    func dispatchThreadgroups(_ threadgroupsPerGrid: MTLSize, threadsPerThreadgroup: MTLSize) {
        let g = threadgroupsPerGrid
        let t = threadsPerThreadgroup
        dispatch(threads: (g.width * t.width, g.height * t.height, g.depth * t.depth), group: t)
    }

    func endEncoding() {
        precondition(!ended, "endEncoding() called twice")
        ended = true
        commandBuffer.encoderEnded()
    }

    private func dispatch(threads grid: (Int, Int, Int), group: MTLSize) {
        precondition(!ended, "a dispatch after endEncoding()")
        guard let pipeline else { preconditionFailure("a dispatch without a compute pipeline state") }
        let groupThreads = group.width * group.height * group.depth
        precondition(groupThreads >= 1 && groupThreads <= pipeline.maxTotalThreadsPerThreadgroup,
                     "\(groupThreads) threads per threadgroup; the pipeline allows 1 ... \(pipeline.maxTotalThreadsPerThreadgroup)")
        precondition(grid.1 == 1 && grid.2 == 1,
                     "a \(grid.0)x\(grid.1)x\(grid.2) grid: the kernels take a one-dimensional thread_position_in_grid")
        precondition(grid.0 >= 0 && grid.0 <= Int(UInt32.max), "\(grid.0) threads: thread_position_in_grid is 32 bits")
        var bindings: [EmulatedBinding] = []
        for index in 0..<pipeline.bufferCount {
            guard let binding = table[index] else {
                preconditionFailure("kernel \(pipeline.function.name) reads buffer \(index), which is not bound")
            }
            bindings.append(binding)
        }
        commandBuffer.record(EmulatedDispatch(pipeline: pipeline, bindings: bindings, threads: UInt32(grid.0)))
    }
}
