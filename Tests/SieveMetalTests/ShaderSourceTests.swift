import Foundation
import Sieve
import SieveMetal
import Testing

@Suite("Embedded shader source")
struct ShaderSourceTests {
    @Test("holds every kernel the host asks for")
    func holdsEveryHostKernel() {
        #expect(ShaderSource.missingKernels.isEmpty, "missing: \(ShaderSource.missingKernels)")
        for name in KernelName.allCases {
            #expect(ShaderSource.kernelNames.contains(name.rawValue), "\(name.rawValue)")
        }
    }

    @Test("declares exactly the kernels the CPU build registers")
    func sameKernelsAsCPUBuild() {
        #expect(ShaderSource.kernelNames == Set(CPUKernel.allNames))
        #expect(Set(KernelName.allCases.map(\.rawValue)).isSubset(of: Set(CPUKernel.allNames)))
    }

    @Test("embeds every .metal file of Shaders/ with no unresolved quoted include")
    func noQuotedIncludes() throws {
        let onDisk = try FileManager.default.contentsOfDirectory(atPath: ShaderFiles.directory.path)
            .filter { $0.hasSuffix(".metal") }
        #expect(Set(ShaderSource.files.keys) == Set(onDisk))
        for (name, text) in ShaderSource.files {
            let quoted = text.split(separator: "\n").filter { $0.firstMatch(of: /^\s*#\s*include\s+"/) != nil }
            #expect(quoted.isEmpty, "\(name): \(quoted)")
            let angled = text.split(separator: "\n").filter { $0.firstMatch(of: /^\s*#\s*include\s+</) != nil }
            // Metal's compiler resolves <metal_stdlib>; <stdint.h> is only in KernelArgs.h's host
            // branch (#ifdef __METAL_VERSION__ … #else), which Metal never compiles.
            #expect(angled.allSatisfy { $0.contains("<metal_stdlib>") || $0.contains("<stdint.h>") }, "\(name): \(angled)")
            if angled.contains(where: { $0.contains("<stdint.h>") }) {
                #expect(text.contains("#ifdef __METAL_VERSION__"), "\(name): <stdint.h> outside the host branch")
            }
            #expect(text.contains("struct Mt19937"), "\(name) lacks the spliced families")
        }
    }

    @Test("the embedded text and each shader file compile as C++14 with -Wall -Wextra -Werror",
          .enabled(if: ShaderFiles.clang != nil, "needs clang++ on PATH"))
    func compilesStrictly() throws {
        let clang = try #require(ShaderFiles.clang)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("shader-check-\(getpid())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        // The embedded library alone (no include path to Shaders/): proves the splicing is complete.
        let embedded = scratch.appendingPathComponent("library.metal")
        try Data(ShaderSource.librarySource.utf8).write(to: embedded)
        var units = [embedded]
        units += try FileManager.default.contentsOfDirectory(atPath: ShaderFiles.directory.path)
            .filter { $0.hasSuffix(".metal") }
            .map { ShaderFiles.directory.appendingPathComponent($0) }
        for unit in units {
            let result = try ShaderFiles.run(clang, [
                "-x", "c++", "-std=c++14", "-fsyntax-only", "-Wall", "-Wextra", "-Werror",
                "-I", ShaderFiles.shim.path, unit.path,
            ])
            #expect(result.status == 0, "\(unit.lastPathComponent):\n\(result.output)")
        }
    }
}

enum ShaderFiles {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let directory = root.appendingPathComponent("Shaders")
    static let shim = root.appendingPathComponent("Sources/_SieveKernelsCPU/MetalShim")

    static let clang: URL? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin"
        for folder in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent("clang++")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }()

    static func run(_ executable: URL, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}
