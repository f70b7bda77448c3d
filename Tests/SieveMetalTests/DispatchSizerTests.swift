import Foundation
import Sieve
import SieveMetal
import Testing

#if !canImport(Metal)
import _MetalEmulation
#endif

@Suite("Dispatch sizing")
struct DispatchSizerTests {
    let key = try! MetalBackendTests.plan(.lcg32).identity
    let other = try! MetalBackendTests.plan(.mt19937).identity
    let lots = UInt128(1) << 40

    @Test("a plan's first dispatch has the initial size; then it grows at most maxGrowth times")
    func firstDispatchThenCappedGrowth() {
        var sizer = DispatchSizer()
        #expect(sizer.nextDispatch(for: key, remaining: lots, capacity: 1 << 18) == 1 << 16)
        // 65536 seeds in 1 ms: 65 M seeds/s would ask for 4.9 M, but growth is capped at 8×.
        sizer.record(for: key, seeds: 1 << 16, seconds: 0.001, survivors: 0)
        #expect(sizer.nextDispatch(for: key, remaining: lots, capacity: 1 << 18) == 1 << 19)
        #expect(sizer.nextDispatch(for: other, remaining: lots, capacity: 1 << 18) == 1 << 16)
    }

    @Test("sizes converge on the target time when the rate is steady")
    func convergesOnTarget() {
        var sizer = DispatchSizer()
        let rate = 40_000_000.0  // seeds per second
        var size: UInt64 = 0
        for _ in 0..<12 {
            size = sizer.nextDispatch(for: key, remaining: lots, capacity: 1 << 18)
            sizer.record(for: key, seeds: size, seconds: Double(size) / rate, survivors: 0)
        }
        let seconds = Double(size) / rate
        #expect(seconds > 0.05 && seconds <= 0.1, "\(seconds) s")
        #expect(size % 256 == 0)
    }

    @Test("a slower plan shrinks the next dispatch at once")
    func slowsDown() {
        var sizer = DispatchSizer()
        sizer.record(for: key, seeds: 1 << 20, seconds: 0.01, survivors: 0)
        sizer.record(for: key, seeds: 1 << 20, seconds: 1.0, survivors: 0)  // 100× slower
        let next = sizer.nextDispatch(for: key, remaining: lots, capacity: 1 << 18)
        #expect(Double(next) / (Double(1 << 20) / 1.0) < 0.1, "\(next) seeds")
    }

    @Test("expected survivors fill at most half the record buffer")
    func capacityBound() {
        var sizer = DispatchSizer()
        sizer.record(for: key, seeds: 100_000, seconds: 0.0001, survivors: 10_000)  // one in ten survives
        #expect(sizer.nextDispatch(for: key, remaining: lots, capacity: 1_000) == 4_864)  // 5000, whole threadgroups
    }

    @Test("the end of a call goes in one dispatch when it fits in 1.25; sizes stay within bounds")
    func tailsAndBounds() {
        var sizer = DispatchSizer()
        #expect(sizer.nextDispatch(for: key, remaining: 80_000, capacity: 1 << 18) == 80_000)
        #expect(sizer.nextDispatch(for: key, remaining: 90_000, capacity: 1 << 18) == 1 << 16)
        #expect(sizer.nextDispatch(for: key, remaining: 7, capacity: 1 << 18) == 7)
        sizer.record(for: key, seeds: 1 << 30, seconds: 0.001, survivors: 0)
        #expect(sizer.nextDispatch(for: key, remaining: lots, capacity: 1 << 18) == 1 << 30)
        sizer.record(for: other, seeds: 10, seconds: 100, survivors: 0)
        #expect(sizer.nextDispatch(for: other, remaining: lots, capacity: 1 << 18) == 1 << 10)
    }

    #if !canImport(Metal)
    @Test("the backend sizes its dispatches from the GPU times it measures (emulated device, modelled timing)")
    func backendAdaptsToMeasuredTimes() throws {
        // 1 µs a thread: 75 ms is 75,000 seeds.
        let device = MTLEmulatedDevice(timing: .modeled(secondsPerThread: 1e-6))
        let backend = try MetalSieveBackend(device: device)
        var random = SplitMix64(seed: 5)
        let residues = (0..<4).map { _ in UInt32(random.below(1000)) }
        let plan = try SievePlan(parameters: SieveParameters(
            prng: PRNGConfiguration(.lcg32), modulus: 1000, window: 4, offset: 0, skips: 0...0,
            forwardThreshold: .matches(4)), residues: residues)
        _ = try backend.survivors(of: plan, seeds: SeedRange(first: 0, last: 999_999))
        let sizes = backend.statistics.dispatchSizes
        #expect(sizes.first == 1 << 16)
        for size in sizes.dropFirst().dropLast() {
            let seconds = Double(size) * 1e-6
            #expect(seconds >= 0.05 && seconds <= 0.1, "\(sizes)")
        }
        #expect(sizes.reduce(0, +) == 1_000_000)
        #expect(backend.statistics.longestDispatchSeconds <= 0.1)
    }

    @Test("a command buffer the emulated GPU fails surfaces as an error naming the kernel and chunk")
    func deviceFaultSurfaces() throws {
        let device = MTLEmulatedDevice()
        var configuration = MetalSieveBackend.Configuration()
        configuration.sizing.initialSeeds = 1 << 12
        configuration.sizing.maxGrowth = 1
        let backend = try MetalSieveBackend(device: device, configuration: configuration)
        device.injectCommandBufferFailure(.timeout, after: 1)
        let plan = try SievePlan(parameters: SieveParameters(
            prng: PRNGConfiguration(.mt19937), modulus: 1000, window: 3, offset: 0, skips: 0...1,
            forwardThreshold: .matches(3)), residues: [1, 2, 3])
        do {
            _ = try backend.survivors(of: plan, seeds: SeedRange(first: 0, last: 99_999))
            Issue.record("no error thrown")
        } catch let error as MetalBackendError {
            guard case .commandBufferFailed(let kernel, let chunk, let status, let message) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(kernel == "sieve_streamed")
            #expect(error.kernel == "sieve_streamed")
            #expect(chunk == MetalBackendError.Chunk(index: 1, firstSeed: 4096, seedCount: 4096))
            #expect(status == "error")
            #expect(message.contains("Emulated GPU fault"), "\(message)")
        }
    }
    #endif
}
