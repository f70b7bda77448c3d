import Foundation

#if canImport(Metal)
@preconcurrency import Metal
#else
import _MetalEmulation
#endif

/// A Metal device with its command queue, the project's shaders compiled for it once, and its
/// compute pipelines, made on first use and cached by kernel name and specialisation.
///
/// Thread-safe: the pipeline cache is behind a lock, and the Metal objects it holds are only used
/// through it. (Apple's SDKs before macOS 26 do not mark Metal's protocols `Sendable`; this type
/// vouches for them.)
///
/// ```swift
/// let context = try MetalContext(device: device)          // compiles ShaderSource.librarySource
/// let pipeline = try context.pipeline(for: "sieve_strided")
/// ```
public final class MetalContext: @unchecked Sendable {
    /// The device, its queue, and the library compiled from the shader source.
    public let device: any MTLDevice
    public let queue: any MTLCommandQueue
    public let library: any MTLLibrary
    /// Whether the device is an emulation (the CPU running the per-thread kernels).
    public let isEmulated: Bool

    private let lock = NSLock()
    private var pipelines: [PipelineKey: any MTLComputePipelineState] = [:]

    private struct PipelineKey: Hashable {
        let kernel: String
        let specialisation: KernelSpecialisation
    }

    /// Compiles `source` for `device` (once: this context keeps the library).
    ///
    /// - Parameter source: the Metal source; the project's embedded shaders by default.
    /// - Throws: ``MetalBackendError/libraryCompilation(log:)`` with the compiler's log, or
    ///   ``MetalBackendError/commandQueueUnavailable(device:)``.
    public init(device: any MTLDevice, source: String = ShaderSource.librarySource) throws {
        self.device = device
        self.isEmulated = MetalPlatform.isEmulated(device)
        guard let queue = device.makeCommandQueue() else {
            throw MetalBackendError.commandQueueUnavailable(device: device.name)
        }
        queue.label = "optimize.sieve"
        self.queue = queue
        do {
            self.library = try device.makeLibrary(source: source, options: MTLCompileOptions())
        } catch {
            throw MetalBackendError.libraryCompilation(log: (error as NSError).localizedDescription)
        }
    }

    /// The compute pipeline of kernel `name`, specialised by `specialisation`: made on first use,
    /// then the same object for the same name and specialisation.
    ///
    /// - Throws: ``MetalBackendError/missingKernel(_:)`` when the library has no such kernel (Metal's
    ///   `makeFunction(name:)` returns `nil`), ``MetalBackendError/pipelineCreation(kernel:message:)``
    ///   when specialising it or making its pipeline fails.
    public func pipeline(for name: String, specialisation: KernelSpecialisation = .none) throws -> any MTLComputePipelineState {
        let key = PipelineKey(kernel: name, specialisation: specialisation)
        lock.lock()
        defer { lock.unlock() }
        if let cached = pipelines[key] {
            return cached
        }
        let function: any MTLFunction
        if specialisation.constants.isEmpty {
            guard let made = library.makeFunction(name: name) else {
                throw MetalBackendError.missingKernel(name)
            }
            function = made
        } else {
            guard library.functionNames.contains(name) else {
                throw MetalBackendError.missingKernel(name)
            }
            do {
                function = try library.makeFunction(name: name, constantValues: specialisation.constantValues())
            } catch {
                throw MetalBackendError.pipelineCreation(kernel: name, message: (error as NSError).localizedDescription)
            }
        }
        let pipeline: any MTLComputePipelineState
        do {
            pipeline = try device.makeComputePipelineState(function: function)
        } catch {
            throw MetalBackendError.pipelineCreation(kernel: name, message: (error as NSError).localizedDescription)
        }
        pipelines[key] = pipeline
        return pipeline
    }

    /// How many pipelines the cache holds.
    public var cachedPipelineCount: Int {
        lock.withLock { pipelines.count }
    }

    // MARK: One context per device

    nonisolated(unsafe) private static var shared: [ObjectIdentifier: MetalContext] = [:]
    private static let sharedLock = NSLock()

    /// The context of `device` for the embedded shaders, made (and the shaders compiled) once per
    /// device in this process.
    public static func shared(for device: any MTLDevice) throws -> MetalContext {
        sharedLock.lock()
        defer { sharedLock.unlock() }
        let id = ObjectIdentifier(device)
        if let context = shared[id] {
            return context
        }
        let context = try MetalContext(device: device)
        shared[id] = context
        return context
    }
}

/// Function-constant values that specialise a kernel (Metal's `MTLFunctionConstantValues`), as a
/// value that can key a cache. The project's kernels declare no function constants today, so the
/// sieve uses ``none``; Metal ignores values for constants a kernel does not declare.
public struct KernelSpecialisation: Hashable, Sendable {
    /// A function constant's value.
    public enum Value: Hashable, Sendable {
        case bool(Bool)
        case int(Int32)
        case uint(UInt32)
    }

    /// Values by function-constant index (`[[function_constant(index)]]`).
    public var constants: [Int: Value]

    public init(_ constants: [Int: Value] = [:]) {
        self.constants = constants
    }

    /// No specialisation: the kernel as compiled.
    public static let none = KernelSpecialisation()

    func constantValues() -> MTLFunctionConstantValues {
        let values = MTLFunctionConstantValues()
        for (index, value) in constants.sorted(by: { $0.key < $1.key }) {
            switch value {
            case .bool(let flag):
                var v = flag
                values.setConstantValue(&v, type: .bool, index: index)
            case .int(let number):
                var v = number
                values.setConstantValue(&v, type: .int, index: index)
            case .uint(let number):
                var v = number
                values.setConstantValue(&v, type: .uint, index: index)
            }
        }
        return values
    }
}
