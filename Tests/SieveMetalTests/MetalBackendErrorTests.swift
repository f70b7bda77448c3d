#if !canImport(Metal)
import Foundation
import Sieve
import SieveMetal
import Testing
import _MetalEmulation

/// The backend's failure paths that only an emulated device can provoke on demand: a device that
/// refuses queues, buffers or command buffers, as Metal does when it runs out of resources.
@Suite("Metal backend failures (emulated device)")
struct MetalBackendErrorTests {
    func plan() throws -> SievePlan {
        try SievePlan(parameters: SieveParameters(
            prng: PRNGConfiguration(.java_lcg), modulus: 10, window: 4, offset: 0, skips: 0...1,
            forwardThreshold: .matches(2)), residues: [1, 2, 3, 4])
    }

    @Test("a device that gives no command queue")
    func noCommandQueue() {
        let device = MTLEmulatedDevice()
        device.refusals = .commandQueues
        #expect(throws: MetalBackendError.commandQueueUnavailable(device: device.name)) {
            _ = try MetalContext(device: device)
        }
    }

    @Test("a device that allocates no buffer: the error names what the buffer was for")
    func noBuffers() throws {
        let device = MTLEmulatedDevice()
        let backend = try MetalSieveBackend(device: device)
        device.refusals = .buffers
        #expect(throws: MetalBackendError.bufferAllocation(purpose: "the draws", bytes: 4096)) {
            _ = try backend.survivors(of: try plan(), seeds: SeedRange(first: 0, last: 999))
        }
        device.refusals = []
        #expect(try backend.survivors(of: try plan(), seeds: SeedRange(first: 0, last: 999))
                == (try CPUSieveBackend().survivors(of: try plan(), seeds: SeedRange(first: 0, last: 999))))
    }

    @Test("a queue that gives no command buffer: the error names the kernel and the chunk")
    func noCommandBuffer() throws {
        let device = MTLEmulatedDevice()
        let backend = try MetalSieveBackend(device: device)
        _ = try backend.survivors(of: try plan(), seeds: SeedRange(first: 0, last: 9))
        device.refusals = .commandBuffers
        #expect(throws: MetalBackendError.encodingUnavailable(
            kernel: "sieve_strided", chunk: .init(index: 0, firstSeed: 500, seedCount: 100))) {
            _ = try backend.survivors(of: try plan(), seeds: SeedRange(first: 500, last: 599))
        }
    }

    @Test("auto takes the system's device when it has one, and the CPU when Metal cannot be set up on it")
    func autoWithAndWithoutDevice() throws {
        let device = MTLEmulatedDevice()
        let chosen = try BackendSelection.make(.auto, systemDevice: device, untrustedGPU: false)
        #expect(chosen.name == "metal (emulated)")
        #expect(chosen.summary == "backend: metal (auto: \(device.name))")
        let broken = MTLEmulatedDevice()
        broken.refusals = .commandQueues
        let fallback = try BackendSelection.make(.auto, systemDevice: broken, untrustedGPU: false)
        #expect(fallback.name == "cpu")
        #expect(fallback.summary.contains("auto: Metal could not be set up: the Metal device"), "\(fallback.summary)")
        #expect(throws: MetalBackendError.noDevice) { _ = try BackendSelection.make(.metal, metalDevice: nil) }
    }

    @Test("auto takes the CPU where OPTIMIZE_UNTRUSTED_GPU=1 flags the device, and says why; metal still takes the device")
    func autoOnAnUntrustedGPU() throws {
        let device = MTLEmulatedDevice()
        let chosen = try BackendSelection.make(.auto, systemDevice: device, untrustedGPU: true)
        #expect(chosen.name == "cpu")
        #expect(chosen.summary.hasPrefix("backend: cpu (auto: OPTIMIZE_UNTRUSTED_GPU=1, this machine's GPU computes results that cannot be trusted;"),
                "\(chosen.summary)")
        #expect(try BackendSelection.make(.metal, metalDevice: device, untrustedGPU: true).name == "metal (emulated)")
    }

    @Test("the default backend runs on the platform's default device: here, the emulation")
    func defaultBackend() throws {
        let backend = try MetalSieveBackend()
        #expect(backend.name == "metal (emulated)")
        #expect(backend.context.isEmulated)
        #expect(backend.deviceName == MTLEmulatedDevice().name)
        #expect(MetalPlatform.isEmulated)
        #expect(MetalPlatform.systemDevice() == nil)
    }

    @Test("every error says what failed")
    func descriptions() {
        let chunk = MetalBackendError.Chunk(index: 3, firstSeed: UInt64.max - 9, seedCount: 10, resplitDepth: 2)
        #expect(chunk.description == "chunk 3 (seeds 18446744073709551606..<2^64, overflow re-run depth 2)")
        let cases: [(MetalBackendError, String)] = [
            (.noDevice, "no device"),
            (.commandQueueUnavailable(device: "GPU"), "'GPU' gave no command queue"),
            (.libraryCompilation(log: "LOG"), "did not compile:\nLOG"),
            (.missingKernel("k"), "no kernel named 'k'"),
            (.pipelineCreation(kernel: "k", message: "M"), "pipeline for kernel 'k': M"),
            (.bufferAllocation(purpose: "P", bytes: 8), "allocate 8 bytes for P"),
            (.encodingUnavailable(kernel: "k", chunk: chunk), "kernel 'k', chunk 3"),
            (.commandBufferFailed(kernel: "k", chunk: chunk, status: "error", message: "M"), "kernel 'k', chunk 3"),
        ]
        for (error, text) in cases {
            #expect(error.description.contains(text), "\(error.description)")
        }
        #expect(MetalBackendError.noDevice.kernel == nil)
        #expect(MetalBackendError.pipelineCreation(kernel: "k", message: "").kernel == "k")
    }
}
#endif
