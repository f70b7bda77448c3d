import Sieve

#if canImport(Metal)
@preconcurrency import Metal
#else
import _MetalEmulation
#endif

/// Which backend a command asked for: `--backend auto|metal|cpu`.
public enum BackendRequest: String, CaseIterable, Sendable {
    /// Metal where a real GPU exists, the CPU otherwise.
    case auto
    /// Metal: the GPU, or where Metal does not exist (Linux), its CPU emulation.
    case metal
    /// The CPU's vector-lane kernels.
    case cpu
}

/// The backend a command runs on, and how it was chosen, in words for the user.
///
/// ```swift
/// let selection = try BackendSelection.make(.auto)
/// print(selection.summary)    // "backend: cpu (auto: no Metal device on this machine)"
/// try SieveSweep(..., backend: selection.backend).run()
/// ```
public struct BackendSelection: Sendable {
    public let request: BackendRequest
    public let backend: any SieveBackend
    /// One line for standard error: the backend, the device, and why.
    public let summary: String

    /// The backend's name as outputs record it ("cpu", "metal", "metal (emulated)").
    public var name: String { backend.name }

    /// Chooses the backend for `request`.
    ///
    /// - `auto` takes Metal when the system has a Metal device (and its shaders compile), and the
    ///   CPU otherwise; it never takes the emulation, nor a GPU flagged untrusted (``UntrustedGPU``).
    /// - `metal` takes the system's GPU; where Metal does not exist it takes the emulated device
    ///   (and says so); on a Mac without a device it fails.
    /// - `cpu` takes the CPU.
    ///
    /// - Parameters:
    ///   - systemDevice: the system's GPU (tests substitute a device); `metalDevice`, the device
    ///     `metal` runs on.
    ///   - untrustedGPU: whether `OPTIMIZE_UNTRUSTED_GPU=1` (``UntrustedGPU/isFlagged``).
    /// - Throws: ``MetalBackendError`` when `metal` cannot be set up.
    public static func make(_ request: BackendRequest, cpu: CPUSieveBackend = CPUSieveBackend(),
                            metal configuration: MetalSieveBackend.Configuration = .init(),
                            systemDevice: (any MTLDevice)? = MetalPlatform.systemDevice(),
                            metalDevice: (any MTLDevice)? = MetalPlatform.defaultDevice(),
                            untrustedGPU: Bool = UntrustedGPU.isFlagged) throws -> BackendSelection {
        func cpuSelection(_ why: String) -> BackendSelection {
            BackendSelection(request: request, backend: cpu,
                             summary: "backend: cpu (\(why); \(cpu.threads) threads, \(cpu.instructionSet) lanes)")
        }
        switch request {
        case .cpu:
            return cpuSelection("requested")
        case .auto:
            guard let device = systemDevice else {
                return cpuSelection("auto: no Metal device on this machine")
            }
            if untrustedGPU {
                return cpuSelection("auto: \(UntrustedGPU.variable)=1, this machine's GPU computes results that cannot be trusted")
            }
            do {
                let metal = try MetalSieveBackend(device: device, configuration: configuration)
                return BackendSelection(request: request, backend: metal, summary: "backend: metal (auto: \(device.name))")
            } catch {
                return cpuSelection("auto: Metal could not be set up: \(error)")
            }
        case .metal:
            guard let device = metalDevice else { throw MetalBackendError.noDevice }
            let metal = try MetalSieveBackend(device: device, configuration: configuration)
            let summary = metal.context.isEmulated
                ? "backend: metal (emulated: no Metal on this platform, so the per-thread CPU kernels stand in for the GPU; slow)"
                : "backend: metal (\(device.name))"
            return BackendSelection(request: request, backend: metal, summary: summary)
        }
    }
}
