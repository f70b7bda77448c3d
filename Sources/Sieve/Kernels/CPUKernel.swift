import Dispatch
import Foundation
import _SieveKernelsCPU

/// A kernel of `Shaders/`, compiled for the CPU, found by its Metal name.
///
/// The CPU build holds every `kernel void` function of the shader source under the name Metal gives
/// it, so the host runs "kernel X over a grid" the same way on either device. Buffers follow the
/// Metal binding: index 0 is the kernel's argument struct, then its device buffers in order.
///
/// ```swift
/// let kernel = try CPUKernel(named: "prng_generate")
/// withUnsafeMutableBytes(of: &args) { argsBytes in
///     kernel.dispatch(gridSize: seeds, buffers: [argsBytes.baseAddress!, outputs])
/// }
/// ```
public struct CPUKernel: Sendable, Hashable {
    /// The kernel's Metal name.
    public let name: String
    /// How many buffers the kernel binds, its argument struct included.
    public let bufferCount: Int
    let index: UInt32

    /// Finds one of the kernels the host runs.
    ///
    /// - Throws: ``KernelError/missingKernel(_:)`` when the CPU build has no such kernel.
    public init(_ kernel: KernelName) throws(KernelError) {
        try self.init(named: kernel.rawValue)
    }

    /// Finds the kernel with this Metal name.
    ///
    /// - Throws: ``KernelError/missingKernel(_:)`` when the CPU build has no such kernel.
    public init(named name: String) throws(KernelError) {
        let index = sieve_cpu_kernel_index(name)
        guard index >= 0 else { throw KernelError.missingKernel(name) }
        self.name = name
        self.index = UInt32(index)
        self.bufferCount = Int(sieve_cpu_kernel_buffer_count(UInt32(index)))
    }

    /// The Metal names of every kernel the CPU build holds.
    public static var allNames: [String] {
        (0..<sieve_cpu_kernel_count()).compactMap { index in
            sieve_cpu_kernel_name(index).map { String(cString: $0) }
        }
    }

    /// Runs the kernel for grid positions `range` on the calling thread, one after another.
    ///
    /// - Parameters:
    ///   - range: the grid positions (Metal's `thread_position_in_grid`) to run.
    ///   - buffers: ``bufferCount`` pointers, bound as on Metal.
    public func run(_ range: Range<UInt32>, buffers: [UnsafeMutableRawPointer]) {
        precondition(buffers.count == bufferCount, "\(name) binds \(bufferCount) buffers, got \(buffers.count)")
        buffers.withUnsafeBufferPointer { pointers in
            pointers.withMemoryRebound(to: UnsafeMutableRawPointer?.self) { table in
                sieve_cpu_kernel_run(index, table.baseAddress, range.lowerBound, range.upperBound)
            }
        }
    }

    /// Runs the kernel over grid positions `0 ..< gridSize`, split across all cores.
    ///
    /// The grid is cut into several contiguous chunks per thread, which Dispatch hands to idle
    /// workers, so that uneven per-position cost (early exits) still keeps every core busy.
    /// Returns when every position has run. Kernels write disjoint outputs per position (or append
    /// through atomics), so the split does not change the result.
    public func dispatch(gridSize: Int, buffers: [UnsafeMutableRawPointer], threads: Int = CPUKernel.defaultThreadCount) {
        let shared = SendableBuffers(pointers: buffers)
        CPUGrid.forEachChunk(gridSize: gridSize, threads: threads) { range in
            run(range, buffers: shared.pointers)
        }
    }

    /// The number of cores this process may use.
    public static var defaultThreadCount: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }
}

/// Splits a grid across cores.
enum CPUGrid {
    /// Calls `body` on contiguous chunks covering `0 ..< gridSize`, several per thread, handed to
    /// idle workers by Dispatch; returns when all have run.
    static func forEachChunk(gridSize: Int, threads: Int, _ body: @Sendable (Range<UInt32>) -> Void) {
        precondition(gridSize >= 0 && gridSize <= Int(UInt32.max), "grid of \(gridSize) positions")
        guard gridSize > 0 else { return }
        if threads <= 1 || gridSize == 1 {
            body(0..<UInt32(gridSize))
            return
        }
        let chunks = min(gridSize, threads * 8)
        let total = UInt64(gridSize)
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let begin = UInt32(total * UInt64(chunk) / UInt64(chunks))
            let end = UInt32(total * UInt64(chunk + 1) / UInt64(chunks))
            body(begin..<end)
        }
    }
}

/// Raw buffer addresses handed to worker threads; the caller keeps the memory alive and the
/// kernels write disjoint parts of it.
struct SendableBuffers: @unchecked Sendable {
    let pointers: [UnsafeMutableRawPointer]
}

/// An error raised by running kernels.
public enum KernelError: DiagnosedError, Equatable {
    /// A kernel's contract was broken: a bug, not bad input.
    public var kind: InputError.Kind { .kernelFailure }

    /// The kernel source holds no kernel with this name.
    case missingKernel(String)
    /// The family's state cannot be handed to the host (mt19937 keeps 624 words).
    case stateNotExposed(PRNGFamily.ID)
    /// The operation needs an invertible generator and these parameters do not give one.
    case notInvertible(String)

    public var description: String {
        switch self {
        case .missingKernel(let name): "the kernel source has no kernel named '\(name)'"
        case .stateNotExposed(let id): "\(id.rawValue) keeps its state inside the kernel"
        case .notInvertible(let what): "\(what) has no exact inverse step"
        }
    }
}

extension InputError.Kind {
    /// A kernel's contract was broken (a bug in optimize, not bad input).
    public static let kernelFailure = Self("kernelFailure")
}
