import Foundation
import SieveMetal

/// Runs the three compiles of a shader that Linux can run: the CPU shim's C++ compile, the strict
/// compile (`Scripts/msl/strict-compile.sh`) and the lint (`Scripts/msl/msl-lint.py`).
///
/// The tools are subprocesses: clang ships with the Swift toolchain and python3 with every CI
/// image, and a missing one fails the test that needs it with a message saying so, rather than
/// skipping it, because a skipped strict check would let an address-space mistake through.
enum MSLChecks {
    static let strictCompile = ShaderFiles.root.appendingPathComponent("Scripts/msl/strict-compile.sh")
    static let lint = ShaderFiles.root.appendingPathComponent("Scripts/msl/msl-lint.py")

    /// An executable found on PATH, or nil.
    static func onPath(_ name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }

    static let missingClang = "clang is not on PATH: the strict shader compile needs the Swift toolchain's clang (e.g. /opt/swift/usr/bin/clang)"
    static let missingPython = "python3 is not on PATH: the MSL lint (Scripts/msl/msl-lint.py) needs it (apt-get install -y python3)"

    /// The strict compile of `units`: exit status 0 when every one compiles.
    static func runStrict(_ units: [URL]) throws -> (status: Int32, output: String) {
        let bash = try require(onPath("bash"), "bash is not on PATH")
        return try ShaderFiles.run(bash, [strictCompile.path] + units.map(\.path))
    }

    /// The lint of `units` (status 0: no rule broken, 1: some rule broken, 2: clang missing).
    static func runLint(_ units: [URL]) throws -> (status: Int32, output: String) {
        let python = try require(onPath("python3"), missingPython)
        return try ShaderFiles.run(python, [lint.path] + units.map(\.path))
    }

    /// The CPU shim's C++ compile, as `ShaderSourceTests` runs it for the shaders.
    static func runShim(_ unit: URL) throws -> (status: Int32, output: String) {
        let clang = try require(ShaderFiles.clang, "clang++ is not on PATH")
        return try ShaderFiles.run(clang, [
            "-x", "c++", "-std=c++14", "-fsyntax-only", "-Wall", "-Wextra", "-Werror",
            "-I", ShaderFiles.shim.path, unit.path,
        ])
    }

    /// The embedded library text (what the host hands to Metal), written to a scratch file.
    static func embeddedLibrary(in scratch: URL) throws -> URL {
        let url = scratch.appendingPathComponent("library.metal")
        try Data(ShaderSource.librarySource.utf8).write(to: url)
        return url
    }

    /// A fresh scratch directory; the caller removes it.
    static func scratchDirectory(_ label: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    struct MissingTool: Error, CustomStringConvertible {
        let description: String
    }

    private static func require<T>(_ value: T?, _ message: String) throws -> T {
        guard let value else { throw MissingTool(description: message) }
        return value
    }
}
