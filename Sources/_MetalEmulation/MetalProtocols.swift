// The protocols of the Metal API subset that SieveMetal uses, declared as Apple declares them.
//
// Each protocol mirrors Apple's protocol of the same name (developer.apple.com/documentation/metal,
// the macOS 26 SDK's Swift interface): the same inherited protocols (`NSObjectProtocol`, and
// `Sendable` exactly where Apple has it) and, for the members SieveMetal uses, the same names,
// labels, types, optionality and `throws`. Apple's SDKs before macOS 26 did not mark these
// protocols `Sendable`; SieveMetal therefore never relies on a Metal object being `Sendable` (it
// keeps them inside its own locked types), so that it compiles against either SDK.

import Foundation

// MARK: - Device

/// Mirrors Apple's `protocol MTLDevice: NSObjectProtocol, Sendable`: a GPU.
public protocol MTLDevice: NSObjectProtocol, Sendable {
    /// Mirrors `var name: String { get }`.
    var name: String { get }
    /// Mirrors `var maxThreadsPerThreadgroup: MTLSize { get }`.
    var maxThreadsPerThreadgroup: MTLSize { get }
    /// Mirrors `var hasUnifiedMemory: Bool { get }`.
    var hasUnifiedMemory: Bool { get }

    /// Mirrors `func makeCommandQueue() -> (any MTLCommandQueue)?`.
    func makeCommandQueue() -> (any MTLCommandQueue)?

    /// Mirrors `func makeLibrary(source: String, options: MTLCompileOptions?) throws -> any MTLLibrary`.
    func makeLibrary(source: String, options: MTLCompileOptions?) throws -> any MTLLibrary

    /// Mirrors `func makeComputePipelineState(function computeFunction: any MTLFunction) throws
    /// -> any MTLComputePipelineState`.
    func makeComputePipelineState(function computeFunction: any MTLFunction) throws -> any MTLComputePipelineState

    /// Mirrors `func makeBuffer(length: Int, options: MTLResourceOptions = []) -> (any MTLBuffer)?`
    /// (the default argument is in the extension below: protocols cannot declare one).
    func makeBuffer(length: Int, options: MTLResourceOptions) -> (any MTLBuffer)?

    /// Mirrors `func makeBuffer(bytes pointer: UnsafeRawPointer, length: Int,
    /// options: MTLResourceOptions = []) -> (any MTLBuffer)?`.
    func makeBuffer(bytes pointer: UnsafeRawPointer, length: Int, options: MTLResourceOptions) -> (any MTLBuffer)?
}

extension MTLDevice {
    /// Apple's `options: MTLResourceOptions = []` default argument of `makeBuffer(length:options:)`.
    public func makeBuffer(length: Int) -> (any MTLBuffer)? {
        makeBuffer(length: length, options: [])
    }

    /// Apple's default argument of `makeBuffer(bytes:length:options:)`.
    public func makeBuffer(bytes pointer: UnsafeRawPointer, length: Int) -> (any MTLBuffer)? {
        makeBuffer(bytes: pointer, length: length, options: [])
    }
}

/// Mirrors Apple's `func MTLCreateSystemDefaultDevice() -> (any MTLDevice)?`.
///
/// There is no GPU here: it returns `nil`, as Metal does on a machine without a Metal device, so
/// that code choosing a backend falls back to the CPU. Create an ``MTLEmulatedDevice`` explicitly
/// to run Metal code on the CPU.
public func MTLCreateSystemDefaultDevice() -> (any MTLDevice)? {
    nil
}

// MARK: - Queue

/// Mirrors Apple's `protocol MTLCommandQueue: NSObjectProtocol, Sendable`.
public protocol MTLCommandQueue: NSObjectProtocol, Sendable {
    /// Mirrors `var label: String? { get set }`.
    var label: String? { get set }
    /// Mirrors `var device: any MTLDevice { get }`.
    var device: any MTLDevice { get }
    /// Mirrors `func makeCommandBuffer() -> (any MTLCommandBuffer)?`.
    func makeCommandBuffer() -> (any MTLCommandBuffer)?
}

// MARK: - Library and functions

/// Mirrors Apple's `protocol MTLLibrary: NSObjectProtocol, Sendable`.
public protocol MTLLibrary: NSObjectProtocol, Sendable {
    /// Mirrors `var label: String? { get set }`.
    var label: String? { get set }
    /// Mirrors `var device: any MTLDevice { get }`.
    var device: any MTLDevice { get }
    /// Mirrors `var functionNames: [String] { get }`.
    var functionNames: [String] { get }
    /// Mirrors `func makeFunction(name functionName: String) -> (any MTLFunction)?`: `nil` when the
    /// library has no such function.
    func makeFunction(name functionName: String) -> (any MTLFunction)?
    /// Mirrors `func makeFunction(name: String, constantValues: MTLFunctionConstantValues) throws
    /// -> any MTLFunction`.
    func makeFunction(name: String, constantValues: MTLFunctionConstantValues) throws -> any MTLFunction
}

/// Mirrors Apple's `protocol MTLFunction: NSObjectProtocol, Sendable`.
public protocol MTLFunction: NSObjectProtocol, Sendable {
    /// Mirrors `var label: String? { get set }`.
    var label: String? { get set }
    /// Mirrors `var device: any MTLDevice { get }`.
    var device: any MTLDevice { get }
    /// Mirrors `var name: String { get }`.
    var name: String { get }
}

// MARK: - Pipelines

/// Mirrors Apple's `protocol MTLComputePipelineState: MTLAllocation, Sendable`.
public protocol MTLComputePipelineState: MTLAllocation, Sendable {
    /// Mirrors `var label: String? { get }`.
    var label: String? { get }
    /// Mirrors `var device: any MTLDevice { get }`.
    var device: any MTLDevice { get }
    /// Mirrors `var maxTotalThreadsPerThreadgroup: Int { get }`.
    var maxTotalThreadsPerThreadgroup: Int { get }
    /// Mirrors `var threadExecutionWidth: Int { get }`.
    var threadExecutionWidth: Int { get }
}

// MARK: - Memory

/// Mirrors Apple's `protocol MTLAllocation: NSObjectProtocol` (macOS 15).
public protocol MTLAllocation: NSObjectProtocol {
    /// Mirrors `var allocatedSize: Int { get }`.
    var allocatedSize: Int { get }
}

/// Mirrors Apple's `protocol MTLResource: MTLAllocation`.
public protocol MTLResource: MTLAllocation {
    /// Mirrors `var label: String? { get set }`.
    var label: String? { get set }
    /// Mirrors `var device: any MTLDevice { get }`.
    var device: any MTLDevice { get }
    /// Mirrors `var storageMode: MTLStorageMode { get }`.
    var storageMode: MTLStorageMode { get }
    /// Mirrors `var resourceOptions: MTLResourceOptions { get }`.
    var resourceOptions: MTLResourceOptions { get }
}

/// Mirrors Apple's `protocol MTLBuffer: MTLResource`.
public protocol MTLBuffer: MTLResource {
    /// Mirrors `var length: Int { get }`.
    var length: Int { get }
    /// Mirrors `func contents() -> UnsafeMutableRawPointer`.
    func contents() -> UnsafeMutableRawPointer
}

// MARK: - Command buffers and encoders

/// Mirrors Apple's `protocol MTLCommandBuffer: NSObjectProtocol` (not `Sendable`).
public protocol MTLCommandBuffer: NSObjectProtocol {
    /// Mirrors `var device: any MTLDevice { get }`.
    var device: any MTLDevice { get }
    /// Mirrors `var commandQueue: any MTLCommandQueue { get }`.
    var commandQueue: any MTLCommandQueue { get }
    /// Mirrors `var label: String? { get set }`.
    var label: String? { get set }
    /// Mirrors `var status: MTLCommandBufferStatus { get }`.
    var status: MTLCommandBufferStatus { get }
    /// Mirrors `var error: (any Error)? { get }`: set when the status is `.error`.
    var error: (any Error)? { get }
    /// Mirrors `var gpuStartTime: CFTimeInterval { get }` (0 until the buffer completes).
    var gpuStartTime: CFTimeInterval { get }
    /// Mirrors `var gpuEndTime: CFTimeInterval { get }` (0 until the buffer completes).
    var gpuEndTime: CFTimeInterval { get }

    /// Mirrors `func makeComputeCommandEncoder() -> (any MTLComputeCommandEncoder)?`.
    func makeComputeCommandEncoder() -> (any MTLComputeCommandEncoder)?
    /// Mirrors `func addCompletedHandler(_ block: @escaping MTLCommandBufferHandler)`.
    func addCompletedHandler(_ block: @escaping MTLCommandBufferHandler)
    /// Mirrors `func commit()`.
    func commit()
    /// Mirrors `func waitUntilCompleted()`.
    func waitUntilCompleted()
}

/// Mirrors Apple's `protocol MTLCommandEncoder: NSObjectProtocol`.
public protocol MTLCommandEncoder: NSObjectProtocol {
    /// Mirrors `var device: any MTLDevice { get }`.
    var device: any MTLDevice { get }
    /// Mirrors `var label: String? { get set }`.
    var label: String? { get set }
    /// Mirrors `func endEncoding()`.
    func endEncoding()
}

/// Mirrors Apple's `protocol MTLComputeCommandEncoder: MTLCommandEncoder`.
public protocol MTLComputeCommandEncoder: MTLCommandEncoder {
    /// Mirrors `func setComputePipelineState(_ state: any MTLComputePipelineState)`.
    func setComputePipelineState(_ state: any MTLComputePipelineState)
    /// Mirrors `func setBuffer(_ buffer: (any MTLBuffer)?, offset: Int, index: Int)`.
    func setBuffer(_ buffer: (any MTLBuffer)?, offset: Int, index: Int)
    /// Mirrors `func setBytes(_ bytes: UnsafeRawPointer, length: Int, index: Int)` (under 4 KB).
    func setBytes(_ bytes: UnsafeRawPointer, length: Int, index: Int)
    /// Mirrors `func dispatchThreads(_ threadsPerGrid: MTLSize, threadsPerThreadgroup: MTLSize)`.
    func dispatchThreads(_ threadsPerGrid: MTLSize, threadsPerThreadgroup: MTLSize)
    /// Mirrors `func dispatchThreadgroups(_ threadgroupsPerGrid: MTLSize, threadsPerThreadgroup: MTLSize)`.
    func dispatchThreadgroups(_ threadgroupsPerGrid: MTLSize, threadsPerThreadgroup: MTLSize)
}
