import Foundation
import Sieve
import SieveMetal
import Testing
import _MetalEmulation
import _SieveKernelsCPU

/// The emulated Metal device on its own: the compiler, the pipelines, the command buffers and the
/// dispatches, held to what Metal documents and to the CPU kernels called directly.
@Suite("Metal emulation")
struct MetalEmulationTests {
    #if !canImport(Metal)
    /// What the emulation's `MTLCreateSystemDefaultDevice()` (no device) means for `--backend auto`:
    /// the CPU backend the command configured, with the reason in its summary, and never the
    /// emulated device, although `--backend metal` on the same machine takes it. (The default
    /// arguments and a broken device are covered in MetalBackendTests and MetalBackendErrorTests.)
    @Test("with the emulation's system device (none), auto runs on the configured CPU backend and says why; it never takes the emulated device")
    func autoWithoutSystemDevice() throws {
        let cpu = CPUSieveBackend(threads: 3)
        let emulated = MTLEmulatedDevice()
        let auto = try BackendSelection.make(.auto, cpu: cpu, systemDevice: MTLCreateSystemDefaultDevice(), metalDevice: emulated)
        #expect(auto.request == .auto)
        #expect(auto.name == "cpu")
        let chosen = try #require(auto.backend as? CPUSieveBackend, "auto chose \(auto.name)")
        #expect(chosen.threads == 3)
        #expect(chosen.instructionSet == cpu.instructionSet)
        #expect(auto.summary == "backend: cpu (auto: no Metal device on this machine; 3 threads, \(cpu.instructionSet) lanes)")
        // The same machine's `metal` is the emulated device, and it says so.
        let metal = try BackendSelection.make(.metal, cpu: cpu, systemDevice: MTLCreateSystemDefaultDevice(), metalDevice: emulated)
        #expect(metal.name == "metal (emulated)")
        #expect(metal.summary.hasPrefix("backend: metal (emulated: no Metal on this platform"), "\(metal.summary)")
    }
    #endif

    @Test("the compiler finds exactly the kernels of the embedded source; unknown names give nil")
    func compilerResolvesKernelNames() throws {
        let device = MTLEmulatedDevice()
        let library = try device.makeLibrary(source: ShaderSource.librarySource, options: MTLCompileOptions())
        #expect(Set(library.functionNames) == ShaderSource.kernelNames)
        for name in KernelName.allCases {
            let function = try #require(library.makeFunction(name: name.rawValue))
            #expect(function.name == name.rawValue)
            #expect(function.device === device)
        }
        #expect(library.makeFunction(name: "sieve_nonexistent") == nil)
        #expect(throws: MTLLibraryError.self) {
            _ = try library.makeFunction(name: "sieve_nonexistent", constantValues: MTLFunctionConstantValues())
        }
        do {
            _ = try library.makeFunction(name: "sieve_nonexistent", constantValues: MTLFunctionConstantValues())
        } catch let error as MTLLibraryError {
            #expect(error.code == .functionNotFound)
            #expect((error as NSError).domain == MTLLibraryErrorDomain)
        }
    }

    @Test("commented-out kernels are not functions; [[kernel]] spelling is")
    func compilerReadsPastComments() throws {
        let source = """
            // kernel void in_a_comment(device uint *x [[buffer(0)]]) {}
            /* kernel void in_a_block(
               device uint *x [[buffer(0)]]) {} */
            [[kernel]] void attribute_spelling(device uint *x [[buffer(0)]]) {}
            kernel void prng_generate(constant uint &a [[buffer(0)]]) {}
            """
        let library = try MTLEmulatedDevice().makeLibrary(source: source, options: nil)
        #expect(library.functionNames == ["attribute_spelling", "prng_generate"])
    }

    @Test("a quoted #include fails to compile, as in Metal, with a log that names the file and line")
    func quotedIncludeFails() throws {
        let source = "#include <metal_stdlib>\n\n#include \"Families.h\"\nkernel void k(device uint *x [[buffer(0)]]) {}\n"
        do {
            _ = try MTLEmulatedDevice().makeLibrary(source: source, options: nil)
            Issue.record("compiled a source with an unresolvable include")
        } catch let error as MTLLibraryError {
            #expect(error.code == .compileFailure)
            let log = (error as NSError).localizedDescription
            #expect(log.contains("program_source:3:10: fatal error: 'Families.h' file not found"), "\(log)")
        }
    }

    @Test("preprocessor macros are refused: the CPU build cannot apply them")
    func macrosUnsupported() {
        let options = MTLCompileOptions()
        options.preprocessorMacros = ["SIEVE_FAMILY": NSNumber(value: 5)]
        #expect(throws: MTLLibraryError.self) {
            _ = try MTLEmulatedDevice().makeLibrary(source: ShaderSource.librarySource, options: options)
        }
    }

    @Test("a pipeline binds to the CPU build by name, and fails for a kernel the CPU build lacks")
    func pipelinesBindByName() throws {
        let device = MTLEmulatedDevice()
        let source = ShaderSource.librarySource + "\nkernel void only_in_this_source(device uint *x [[buffer(0)]]) {}\n"
        let library = try device.makeLibrary(source: source, options: nil)
        let pipeline = try device.makeComputePipelineState(function: try #require(library.makeFunction(name: "sieve_strided")))
        #expect(pipeline.threadExecutionWidth == 32)
        #expect(pipeline.maxTotalThreadsPerThreadgroup >= pipeline.threadExecutionWidth)
        let orphan = try #require(library.makeFunction(name: "only_in_this_source"))
        #expect(throws: MTLLibraryError.self) { _ = try device.makeComputePipelineState(function: orphan) }
        #expect(device.statistics.pipelinesCreated == 1)
    }

    @Test("function constants: values for undeclared constants are ignored; declared ones cannot be emulated")
    func functionConstants() throws {
        let device = MTLEmulatedDevice()
        let values = MTLFunctionConstantValues()
        var flag = true
        values.setConstantValue(&flag, type: .bool, index: 0)
        let plain = try device.makeLibrary(source: ShaderSource.librarySource, options: nil)
        let function = try plain.makeFunction(name: "sieve_strided", constantValues: values)
        #expect(function.name == "sieve_strided")
        let specialised = try device.makeLibrary(
            source: "constant bool wide [[function_constant(0)]];\nkernel void prng_generate(device uint *x [[buffer(0)]]) {}",
            options: nil)
        #expect(throws: MTLLibraryError.self) { _ = try specialised.makeFunction(name: "prng_generate", constantValues: values) }
    }

    @Test("buffers: makeBuffer(length:) is zeroed, makeBuffer(bytes:) copies, contents stay put")
    func buffers() throws {
        let device = MTLEmulatedDevice()
        let zeroed = try #require(device.makeBuffer(length: 64, options: .storageModeShared))
        #expect(zeroed.length == 64)
        #expect(zeroed.storageMode == .shared)
        #expect(UnsafeRawBufferPointer(start: zeroed.contents(), count: 64).allSatisfy { $0 == 0 })
        var words: [UInt32] = [1, 2, 3, 4]
        let copied = try #require(device.makeBuffer(bytes: &words, length: 16, options: []))
        words[0] = 99
        #expect(copied.contents().load(as: UInt32.self) == 1)
        #expect(copied.contents() == copied.contents())
        #expect(device.makeBuffer(length: 0, options: []) == nil)
        #expect(device.statistics.buffersAllocated == 2)
    }

    /// `prng_generate` for `seeds` java_lcg seeds, dispatched through the emulated encoder.
    func generate(_ device: MTLEmulatedDevice, seeds: Int, count: Int, threadgroups: Bool)
        throws -> (outputs: [UInt64], commandBuffer: any MTLCommandBuffer)
    {
        let library = try device.makeLibrary(source: ShaderSource.librarySource, options: nil)
        let pipeline = try device.makeComputePipelineState(function: try #require(library.makeFunction(name: "prng_generate")))
        let queue = try #require(device.makeCommandQueue())
        let outputs = try #require(device.makeBuffer(length: seeds * count * 8, options: .storageModeShared))
        var args = GenerateArgs()
        args.params = PRNGConfiguration(.java_lcg).kernelParams
        args.seed_first = 1_000
        args.burn = 3
        args.skip = 1
        args.count = UInt32(count)
        args.thread_count = UInt32(seeds)
        let commandBuffer = try #require(queue.makeCommandBuffer())
        let encoder = try #require(commandBuffer.makeComputeCommandEncoder())
        encoder.setComputePipelineState(pipeline)
        encoder.setBytes(&args, length: MemoryLayout<GenerateArgs>.size, index: 0)
        args.seed_first = 0  // setBytes copied the arguments: this must not reach the kernel
        encoder.setBuffer(outputs, offset: 0, index: 1)
        if threadgroups {
            encoder.dispatchThreadgroups(MTLSize(width: (seeds + 63) / 64, height: 1, depth: 1),
                                         threadsPerThreadgroup: MTLSize(width: 64, height: 1, depth: 1))
        } else {
            encoder.dispatchThreads(MTLSize(width: seeds, height: 1, depth: 1),
                                    threadsPerThreadgroup: MTLSize(width: 32, height: 1, depth: 1))
        }
        encoder.endEncoding()
        #expect(commandBuffer.status == .notEnqueued)
        commandBuffer.commit()
        commandBuffer.waitUntilCompleted()
        let pointer = outputs.contents().bindMemory(to: UInt64.self, capacity: seeds * count)
        return (Array(UnsafeBufferPointer(start: pointer, count: seeds * count)), commandBuffer)
    }

    @Test("dispatches run every grid position of the CPU kernel, by threads or by threadgroups",
          arguments: [false, true])
    func dispatchEqualsCPUKernel(threadgroups: Bool) throws {
        let device = MTLEmulatedDevice()
        let (seeds, count) = (1_000, 7)
        let (outputs, commandBuffer) = try generate(device, seeds: seeds, count: count, threadgroups: threadgroups)
        #expect(commandBuffer.status == .completed)
        #expect(commandBuffer.error == nil)
        #expect(commandBuffer.gpuEndTime >= commandBuffer.gpuStartTime && commandBuffer.gpuStartTime > 0)
        let expected = try PRNGConfiguration(.java_lcg).outputs(firstSeed: 1_000, seedCount: seeds, count: count, burn: 3, skip: 1)
        #expect(outputs == expected.flatMap { $0 })
        #expect(device.statistics.dispatchesRun == 1)
        #expect(device.statistics.threadsRun == UInt64(threadgroups ? 1_024 : 1_000))
    }

    @Test("completed handlers run after completion, with the buffer's final status")
    func completedHandlers() throws {
        let device = MTLEmulatedDevice()
        let queue = try #require(device.makeCommandQueue())
        let commandBuffer = try #require(queue.makeCommandBuffer())
        let seen = Locked<[MTLCommandBufferStatus]>([])
        commandBuffer.addCompletedHandler { buffer in seen.update { $0.append(buffer.status) } }
        commandBuffer.commit()
        commandBuffer.waitUntilCompleted()
        // The handler runs on the queue after the status is set; wait for it briefly.
        for _ in 0..<1000 where seen.value.isEmpty { usleep(1000) }
        #expect(seen.value == [.completed])
    }

    @Test("an injected fault completes the command buffer with an error and runs none of its commands")
    func injectedFault() throws {
        let device = MTLEmulatedDevice()
        device.injectCommandBufferFailure(.pageFault, after: 1)
        let (first, firstBuffer) = try generate(device, seeds: 64, count: 2, threadgroups: false)
        #expect(firstBuffer.status == .completed)
        #expect(first.contains { $0 != 0 })
        let (second, secondBuffer) = try generate(device, seeds: 64, count: 2, threadgroups: false)
        #expect(secondBuffer.status == .error)
        let error = try #require(secondBuffer.error as? MTLCommandBufferError)
        #expect(error.code == .pageFault)
        #expect((error as NSError).domain == MTLCommandBufferErrorDomain)
        #expect(second.allSatisfy { $0 == 0 })
        let (_, thirdBuffer) = try generate(device, seeds: 64, count: 2, threadgroups: false)
        #expect(thirdBuffer.status == .completed)
        #expect(device.statistics.commandBuffersCommitted == 3)
        #expect(device.statistics.dispatchesRun == 2)
    }

    @Test("modelled timing reports GPU time in proportion to the threads dispatched")
    func modeledTiming() throws {
        let device = MTLEmulatedDevice(timing: .modeled(secondsPerThread: 1e-6))
        let (_, commandBuffer) = try generate(device, seeds: 5_000, count: 1, threadgroups: false)
        let seconds = commandBuffer.gpuEndTime - commandBuffer.gpuStartTime
        #expect(abs(seconds - 0.005) < 1e-9)
    }
}

/// A value shared with completion handlers.
final class Locked<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var _value: Value
    init(_ value: Value) { _value = value }
    var value: Value { lock.withLock { _value } }
    func update(_ body: (inout Value) -> Void) { lock.withLock { body(&_value) } }
}
