import Foundation
import Sieve
import SieveMetal
import Testing

#if canImport(Metal)
@preconcurrency import Metal
#else
import _MetalEmulation
#endif

/// The device the backend tests run on: the GPU on a Mac, the emulated device where Metal does not
/// exist; `nil` on a Mac without a Metal device.
enum BackendTestDevice {
    static var device: (any MTLDevice)? { MetalPlatform.defaultDevice() }
    static var available: Bool { device != nil }
    static let unavailable = "Metal exists here but has no device (a Mac without a GPU, or a VM): nothing to run the backend on"

    static func backend(_ configuration: MetalSieveBackend.Configuration = .init()) throws -> MetalSieveBackend {
        try MetalSieveBackend(device: try #require(device), configuration: configuration)
    }
}

/// The Metal backend held to the CPU backend: emulated on Linux, on the GPU on a Mac.
@Suite("Metal backend", .enabled(if: BackendTestDevice.available, "\(BackendTestDevice.unavailable)"), .disabled(if: UntrustedGPU.isFlagged, "\(UntrustedGPU.reason)"))
struct MetalBackendTests {
    @Test("equals the CPU backend on random configurations", arguments: 0..<3)
    func equalsCPUOnRandomConfigurations(batch: Int) throws {
        let metal = try BackendTestDevice.backend()
        var random = SplitMix64(seed: 0x3E7A_0000 + UInt64(batch))
        for _ in 0..<25 {
            let c = try RandomSieveCase.make(&random)
            let expected = try CPUSieveBackend().survivors(of: c.plan, seeds: c.seeds)
            #expect(try metal.survivors(of: c.plan, seeds: c.seeds) == expected, "\(c)")
        }
    }

    @Test("the streamed body equals the CPU backend for the jump families too")
    func streamedBodyForJumpFamilies() throws {
        let metal = try BackendTestDevice.backend(.init(strategy: .streamed))
        var random = SplitMix64(seed: 0x3E7B_0000)
        for _ in 0..<20 {
            let c = try RandomSieveCase.make(&random, families: [.lcg32, .java_lcg, .minstd, .pcg32, .philox4x32])
            let expected = try CPUSieveBackend(strategy: .streamed).survivors(of: c.plan, seeds: c.seeds)
            #expect(try metal.survivors(of: c.plan, seeds: c.seeds) == expected, "\(c)")
        }
    }

    @Test("the planted-seed suite: every family's planted seed survives at its skip, as on the CPU",
          arguments: PRNGFamily.ID.allCases)
    func plantedSeeds(_ id: PRNGFamily.ID) throws {
        let seed: UInt64 = id == .xorshift64 || id == .java_lcg || id == .xoshiro256pp || id == .philox4x32 || id == .sfc64
            ? 0x0000_7A5B_1234_5678 : 1_414_213_562
        let prng = PRNGConfiguration(id)
        let (skip, burn, offset, window) = (UInt64(3), UInt64(11), 25, 20)
        let history = try PlantedHistory(
            configuration: prng, seed: seed, count: 60, burn: burn, skip: skip, modulus: 1000,
            noise: PlantedHistory.Noise(fraction: 0.2, seed: 7))
        let parameters = SieveParameters(
            prng: prng, modulus: 1000, window: window, offset: offset, reverseWindow: window, skips: 0...6, burn: burn,
            forwardThreshold: try Threshold(fraction: "0.5"), reverseThreshold: try Threshold(fraction: "0.5"))
        let plan = try SievePlan(parameters: parameters, residues: history.draws.map(UInt32.init))
        let seeds = SeedRange(first: seed - 20_000, last: seed + 20_000)
        let survivors = try BackendTestDevice.backend().survivors(of: plan, seeds: seeds)
        #expect(survivors == (try CPUSieveBackend().survivors(of: plan, seeds: seeds)))
        let record = try #require(survivors.first { $0.seed == seed }, "\(id): planted seed not found")
        #expect(record.passed.contains(.bidirectional))
        #expect(record.bidirectionalSkip == UInt32(skip))
    }

    @Test("a forced overflow is re-split and its results are unchanged")
    func overflowIsResplit() throws {
        var random = SplitMix64(seed: 0x0F11)
        var checked = 0
        while checked < 10 {
            let c = try RandomSieveCase.make(&random)
            let expected = try CPUSieveBackend().survivors(of: c.plan, seeds: c.seeds)
            guard expected.count >= 3 else { continue }
            for capacity in [1, 2] {
                let tiny = try BackendTestDevice.backend(.init(capacity: capacity))
                #expect(try tiny.survivors(of: c.plan, seeds: c.seeds) == expected, "capacity \(capacity): \(c)")
                #expect(tiny.statistics.overflows > 0)
            }
            checked += 1
        }
    }

    @Test("a forced command-buffer error is thrown, naming the kernel and the chunk; the backend goes on working")
    func commandBufferErrorNamesKernel() throws {
        var configuration = MetalSieveBackend.Configuration()
        configuration.sizing.initialSeeds = 1024
        configuration.sizing.maxGrowth = 1
        configuration.faults = .init(failingCommandBuffers: [2])
        let backend = try BackendTestDevice.backend(configuration)
        let plan = try Self.plan(.java_lcg)
        do {
            _ = try backend.survivors(of: plan, seeds: SeedRange(first: 0, last: 9_999))
            Issue.record("no error thrown")
        } catch let error as MetalBackendError {
            guard case .commandBufferFailed(let kernel, let chunk, let status, let message) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(kernel == "sieve_strided")
            #expect(chunk.index == 2)
            #expect(chunk.firstSeed == 2048 && chunk.seedCount == 1024)
            #expect(status == "error")
            #expect(message.contains("injected"))
            #expect(error.description.contains("sieve_strided") && error.description.contains("chunk 2 (seeds 2048..<3072)"))
        }
        // The next command buffers are not failed: the same call now succeeds.
        let survivors = try backend.survivors(of: plan, seeds: SeedRange(first: 0, last: 9_999))
        #expect(survivors == (try CPUSieveBackend().survivors(of: plan, seeds: SeedRange(first: 0, last: 9_999))))
    }

    @Test("a kernel the library lacks is an error naming it")
    func missingKernel() throws {
        let context = try MetalContext.shared(for: try #require(BackendTestDevice.device))
        #expect(throws: MetalBackendError.missingKernel("sieve_nonexistent")) {
            _ = try context.pipeline(for: "sieve_nonexistent")
        }
        #expect(throws: MetalBackendError.missingKernel("sieve_nonexistent")) {
            _ = try context.pipeline(for: "sieve_nonexistent", specialisation: .init([0: .bool(true)]))
        }
    }

    @Test("a source that does not compile throws the compiler's log")
    func compileFailureCarriesLog() throws {
        let device = try #require(BackendTestDevice.device)
        let source = "#include <metal_stdlib>\n#include \"NotAHeader.h\"\nkernel void k(device uint *x [[buffer(0)]]) {}\n"
        do {
            _ = try MetalContext(device: device, source: source)
            Issue.record("compiled")
        } catch let error as MetalBackendError {
            guard case .libraryCompilation(let log) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(log.contains("NotAHeader.h"), "\(log)")
            #expect(log.contains("not found"), "\(log)")
        }
    }

    @Test("pipelines are made once per kernel name and specialisation")
    func pipelinesCached() throws {
        let context = try MetalContext(device: try #require(BackendTestDevice.device))
        let first = try context.pipeline(for: "sieve_strided")
        #expect(try context.pipeline(for: "sieve_strided") === first)
        let specialised = try context.pipeline(for: "sieve_strided", specialisation: .init([3: .uint(7)]))
        #expect(specialised !== first)
        #expect(try context.pipeline(for: "sieve_strided", specialisation: .init([3: .uint(7)])) === specialised)
        #expect(try context.pipeline(for: "sieve_streamed") !== first)
        #expect(context.cachedPipelineCount == 3)
        // From many threads at once: still one pipeline per key.
        DispatchQueue.concurrentPerform(iterations: 16) { i in
            _ = try? context.pipeline(for: i % 2 == 0 ? "prng_generate" : "prng_state_init")
        }
        #expect(context.cachedPipelineCount == 5)
    }

    @Test("the buffers are allocated once and reused by every dispatch and call")
    func buffersReused() throws {
        var configuration = MetalSieveBackend.Configuration()
        configuration.sizing.initialSeeds = 512
        configuration.sizing.minimumSeeds = 256
        configuration.sizing.maxGrowth = 1
        let backend = try BackendTestDevice.backend(configuration)
        let plan = try Self.plan(.lcg32)
        for call in 0..<4 {
            _ = try backend.survivors(of: plan, seeds: SeedRange(first: UInt64(call) * 10_000, last: UInt64(call) * 10_000 + 4_999))
        }
        #expect(backend.statistics.dispatches >= 40)
        #expect(backend.statistics.bufferAllocations == 3)
        // A plan with more draws than the draws buffer holds grows that one buffer, once.
        let wide = try Self.plan(.lcg32, window: 3_000)
        _ = try backend.survivors(of: wide, seeds: SeedRange(first: 0, last: 99))
        _ = try backend.survivors(of: wide, seeds: SeedRange(first: 100, last: 199))
        #expect(backend.statistics.bufferAllocations == 4)
    }

    @Test("auto, metal and cpu choose as documented, and say what they chose")
    func backendSelection() throws {
        let cpu = try BackendSelection.make(.cpu)
        #expect(cpu.name == "cpu")
        #expect(cpu.summary.hasPrefix("backend: cpu (requested"))
        let metal = try BackendSelection.make(.metal)
        let auto = try BackendSelection.make(.auto)
        if MetalPlatform.isEmulated {
            #expect(metal.name == "metal (emulated)")
            #expect(metal.summary.contains("emulated"))
            #expect(auto.name == "cpu")
            #expect(auto.summary.contains("auto: no Metal device"))
        } else {
            #expect(metal.name == "metal")
            #expect(auto.name == "metal")
        }
    }

    /// A plan for random draws of `family`, window `window`, skips 0...2, a loose threshold.
    static func plan(_ family: PRNGFamily.ID, window: Int = 6) throws -> SievePlan {
        var random = SplitMix64(seed: 99)
        let residues = (0..<window).map { _ in UInt32(random.below(10)) }
        let parameters = SieveParameters(prng: PRNGConfiguration(family), modulus: 10, window: window, offset: 0,
                                         skips: 0...2, forwardThreshold: .matches(min(window, 3)))
        return try SievePlan(parameters: parameters, residues: residues)
    }
}

/// On a Mac with a GPU: the embedded shaders through Metal's real compiler, and real dispatches.
@Suite("Metal on a real device",
       .enabled(if: MetalPlatform.systemDevice() != nil,
                "no real Metal device: Metal exists only on Apple platforms (here the backend tests run on the emulated device)"))
struct RealMetalDeviceTests {
    @Test("the embedded shader source compiles with Metal's compiler, and every host kernel has a pipeline")
    func embeddedSourceCompiles() throws {
        let device = try #require(MetalPlatform.systemDevice())
        let context = try MetalContext(device: device)
        #expect(Set(context.library.functionNames).isSuperset(of: KernelName.allCases.map(\.rawValue)))
        for kernel in KernelName.allCases {
            let pipeline = try context.pipeline(for: kernel.rawValue)
            #expect(pipeline.threadExecutionWidth >= 1)
            #expect(pipeline.maxTotalThreadsPerThreadgroup >= pipeline.threadExecutionWidth)
        }
    }

    @Test("the standard workloads' first million seeds survive the GPU exactly as on the CPU", .disabled(if: UntrustedGPU.isFlagged, "\(UntrustedGPU.reason)"))
    func standardWorkloadsEqualCPU() throws {
        let device = try #require(MetalPlatform.systemDevice())
        let metal = try MetalSieveBackend(device: device)
        for workload in try StandardWorkload.all() {
            let plan = try workload.plan()
            let seeds = SeedRange(first: 0, last: (workload.id == "W4" ? 1 << 16 : 1 << 20) - 1)
            #expect(try metal.survivors(of: plan, seeds: seeds) == (try CPUSieveBackend().survivors(of: plan, seeds: seeds)),
                    "\(workload.id)")
            #expect(metal.statistics.longestDispatchSeconds < 1, "\(workload.id): a dispatch of \(metal.statistics.longestDispatchSeconds) s")
        }
    }
}
