import Foundation
import _SieveKernelsCPU

/// The emulated Metal compiler: it reads the source for what Metal's compiler would find (kernel
/// functions, function constants, includes it cannot resolve), and binds kernels by name to the
/// CPU build, which was compiled from the same `Shaders/` files.
enum EmulatedCompiler {
    /// Compiles `source` the way `MTLDevice.makeLibrary(source:options:)` would, as far as the
    /// emulation can tell.
    ///
    /// - Throws: ``MTLLibraryError`` with code `compileFailure` and a clang-style log for a quoted
    ///   `#include` (runtime compilation has no search path, so Metal cannot resolve one either), and
    ///   code `unsupported` for preprocessor macros (the CPU build is compiled once, without them).
    static func compile(source: String, options: MTLCompileOptions?, device: MTLEmulatedDevice) throws -> EmulatedLibrary {
        if let macros = options?.preprocessorMacros, !macros.isEmpty {
            throw MTLLibraryError(.unsupported, userInfo: [
                NSLocalizedDescriptionKey: "the emulated compiler cannot apply preprocessor macros "
                    + "(\(macros.keys.sorted().joined(separator: ", "))): its kernels are the CPU build, compiled once",
            ])
        }
        let code = strippingComments(source)
        var log: [String] = []
        for (number, line) in code.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard let match = line.firstMatch(of: /^\s*#\s*include\s*"([^"]*)"/) else { continue }
            let column = line.distance(from: line.startIndex, to: match.1.startIndex)
            let name = String(match.1)
            log.append("program_source:\(number + 1):\(column):")
            log[log.count - 1] += " fatal error: '\(name)' file not found\n\(line)\n"
                + String(repeating: " ", count: column - 1) + "^" + String(repeating: "~", count: name.count + 1)
        }
        if !log.isEmpty {
            throw MTLLibraryError(.compileFailure, userInfo: [
                NSLocalizedDescriptionKey: log.joined(separator: "\n") + "\n\(log.count) error\(log.count == 1 ? "" : "s") generated.",
            ])
        }
        let kernels = kernelNames(in: code)
        let constants = code.matches(of: /\[\[\s*function_constant\s*\(\s*([0-9]+)\s*\)\s*\]\]/).compactMap { Int($0.1) }
        return EmulatedLibrary(device: device, functionNames: kernels, functionConstantIndices: Set(constants))
    }

    /// The kernel functions declared in `code` (`kernel void NAME(` or `[[kernel]] void NAME(`).
    static func kernelNames(in code: String) -> [String] {
        var names = Set(code.matches(of: /\bkernel\s+void\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(/).map { String($0.1) })
        names.formUnion(code.matches(of: /\[\[\s*kernel\s*\]\]\s*void\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(/).map { String($0.1) })
        return names.sorted()
    }

    /// `code` with its `//` and `/* */` comments replaced by spaces (line breaks kept, so that line
    /// numbers in the log are the source's).
    static func strippingComments(_ code: String) -> String {
        var out = String.UnicodeScalarView()
        let scalars = Array(code.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            let next = i + 1 < scalars.count ? scalars[i + 1] : " "
            if c == "/" && next == "/" {
                while i < scalars.count && scalars[i] != "\n" { i += 1 }
            } else if c == "/" && next == "*" {
                i += 2
                while i < scalars.count && !(scalars[i] == "*" && i + 1 < scalars.count && scalars[i + 1] == "/") {
                    out.append(scalars[i] == "\n" ? "\n" : " ")
                    i += 1
                }
                i += 2
            } else {
                out.append(c)
                i += 1
            }
        }
        return String(out)
    }
}

/// A compiled library: the kernel functions the source declares.
final class EmulatedLibrary: NSObject, MTLLibrary, @unchecked Sendable {
    let emulatedDevice: MTLEmulatedDevice
    let functionNames: [String]
    let functionConstantIndices: Set<Int>
    var label: String?

    init(device: MTLEmulatedDevice, functionNames: [String], functionConstantIndices: Set<Int>) {
        self.emulatedDevice = device
        self.functionNames = functionNames
        self.functionConstantIndices = functionConstantIndices
        super.init()
    }

    var device: any MTLDevice { emulatedDevice }

    func makeFunction(name functionName: String) -> (any MTLFunction)? {
        guard functionNames.contains(functionName) else { return nil }
        return EmulatedFunction(library: self, name: functionName, constantValues: [])
    }

    func makeFunction(name: String, constantValues: MTLFunctionConstantValues) throws -> any MTLFunction {
        guard functionNames.contains(name) else {
            throw MTLLibraryError(.functionNotFound, userInfo: [
                NSLocalizedDescriptionKey: "Function \(name) was not found in the library",
            ])
        }
        // Metal ignores values for constants a function does not declare. The CPU build cannot be
        // specialised (the Metal shim turns [[function_constant]] into a plain global), so a
        // source that declares function constants cannot be emulated faithfully.
        guard functionConstantIndices.isEmpty else {
            throw MTLLibraryError(.unsupported, userInfo: [
                NSLocalizedDescriptionKey: "the emulation cannot specialise function constants "
                    + "\(functionConstantIndices.sorted()): the CPU build of the kernels has fixed code",
            ])
        }
        return EmulatedFunction(library: self, name: name, constantValues: constantValues.entries)
    }
}

/// A kernel function of an emulated library, with the constant values it was specialised with.
final class EmulatedFunction: NSObject, MTLFunction, @unchecked Sendable {
    let library: EmulatedLibrary
    let name: String
    let constantValues: [MTLFunctionConstantValues.Entry]
    var label: String?

    init(library: EmulatedLibrary, name: String, constantValues: [MTLFunctionConstantValues.Entry]) {
        self.library = library
        self.name = name
        self.constantValues = constantValues
        super.init()
    }

    var device: any MTLDevice { library.emulatedDevice }
}

/// A compute pipeline: a kernel of the CPU build, found by the function's Metal name.
final class EmulatedComputePipelineState: NSObject, MTLComputePipelineState, @unchecked Sendable {
    let function: EmulatedFunction
    /// The kernel's index in the CPU build's registry, and how many buffers it binds.
    let kernelIndex: UInt32
    let bufferCount: Int

    init(function: EmulatedFunction) throws {
        let index = sieve_cpu_kernel_index(function.name)
        guard index >= 0 else {
            throw MTLLibraryError(.internal, userInfo: [
                NSLocalizedDescriptionKey: "the CPU build of the kernels (_SieveKernelsCPU) has no kernel named "
                    + "'\(function.name)', so the emulated device cannot run it",
            ])
        }
        self.function = function
        self.kernelIndex = UInt32(index)
        self.bufferCount = Int(sieve_cpu_kernel_buffer_count(UInt32(index)))
        super.init()
    }

    var label: String? { nil }
    var device: any MTLDevice { function.library.emulatedDevice }
    /// Apple GPUs run SIMD-groups of 32 threads.
    var threadExecutionWidth: Int { 32 }
    /// The largest threadgroup an Apple GPU pipeline with few registers allows.
    var maxTotalThreadsPerThreadgroup: Int { 1024 }
    var allocatedSize: Int { 0 }
}
