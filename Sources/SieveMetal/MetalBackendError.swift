import Sieve

/// A failure of the Metal backend: no device, a shader that does not compile, a kernel the source
/// lacks, or a command buffer the GPU could not run. Each names what failed and where.
public enum MetalBackendError: DiagnosedError, Equatable {
    /// A GPU failure: the device, the compiler or a command buffer.
    public var kind: InputError.Kind { .gpuFailure }

    /// `--backend metal` on a machine whose Metal has no device.
    case noDevice
    /// The device gave no command queue.
    case commandQueueUnavailable(device: String)
    /// `makeLibrary(source:options:)` failed; `log` is the compiler's log.
    case libraryCompilation(log: String)
    /// The compiled library has no kernel of this name.
    case missingKernel(String)
    /// `makeComputePipelineState(function:)` failed for this kernel.
    case pipelineCreation(kernel: String, message: String)
    /// The device could not allocate a buffer.
    case bufferAllocation(purpose: String, bytes: Int)
    /// The command queue or buffer gave no command buffer or encoder for this dispatch.
    case encodingUnavailable(kernel: String, chunk: Chunk)
    /// The GPU did not complete this dispatch's command buffer.
    case commandBufferFailed(kernel: String, chunk: Chunk, status: String, message: String)

    /// One dispatch of a `survivors(of:seeds:)` call: its position and its seeds.
    public struct Chunk: Sendable, Equatable, CustomStringConvertible {
        /// The dispatch's index among the call's top-level chunks (0-based).
        public var index: Int
        /// Its first seed and how many seeds it covers.
        public var firstSeed: UInt64
        public var seedCount: UInt64
        /// How deep in overflow re-runs it is (0 for a chunk as first dispatched).
        public var resplitDepth: Int
        /// The distance between its seeds: 1 for a range, 2^B for a low-bit class.
        public var seedStride: UInt64

        public init(index: Int, firstSeed: UInt64, seedCount: UInt64, resplitDepth: Int = 0, seedStride: UInt64 = 1) {
            self.index = index
            self.firstSeed = firstSeed
            self.seedCount = seedCount
            self.resplitDepth = resplitDepth
            self.seedStride = seedStride
        }

        /// The chunk of an executor's dispatch (of a pruned one: its first seed, and its positions).
        public init(_ dispatch: SieveDispatch) {
            self.init(index: dispatch.index, firstSeed: dispatch.leadingSeed, seedCount: dispatch.seedCount,
                      resplitDepth: dispatch.resplitDepth, seedStride: dispatch.seedStride)
        }

        public var description: String {
            let end = UInt128(firstSeed) + UInt128(seedCount)
            var range = end == UInt128(1) << 64 ? "\(firstSeed)..<2^64" : "\(firstSeed)..<\(end)"
            if seedStride != 1 { range = "\(firstSeed) + k·\(seedStride) for k < \(seedCount)" }
            return "chunk \(index) (seeds \(range)\(resplitDepth > 0 ? ", overflow re-run depth \(resplitDepth)" : ""))"
        }
    }

    /// The kernel the failure concerns, when it concerns one.
    public var kernel: String? {
        switch self {
        case .missingKernel(let name): name
        case .pipelineCreation(let kernel, _), .encodingUnavailable(let kernel, _), .commandBufferFailed(let kernel, _, _, _): kernel
        default: nil
        }
    }

    public var description: String {
        switch self {
        case .noDevice:
            "Metal has no device on this machine; use --backend cpu (or auto)"
        case .commandQueueUnavailable(let device):
            "the Metal device '\(device)' gave no command queue"
        case .libraryCompilation(let log):
            "the Metal shader source did not compile:\n\(log)"
        case .missingKernel(let name):
            "the compiled Metal library has no kernel named '\(name)'"
        case .pipelineCreation(let kernel, let message):
            "no compute pipeline for kernel '\(kernel)': \(message)"
        case .bufferAllocation(let purpose, let bytes):
            "the Metal device could not allocate \(bytes) bytes for \(purpose)"
        case .encodingUnavailable(let kernel, let chunk):
            "no command buffer or encoder for kernel '\(kernel)', \(chunk)"
        case .commandBufferFailed(let kernel, let chunk, let status, let message):
            "the GPU did not complete kernel '\(kernel)', \(chunk): status \(status): \(message)"
        }
    }
}

extension InputError.Kind {
    /// The GPU failed: no device, a shader that does not compile, a command buffer that did not complete.
    public static let gpuFailure = Self("gpuFailure")
}
