import Foundation

/// Runs the built `optimize` binary, as a user would, and captures what it prints.
struct CommandResult {
    let status: Int32
    let stdout: String
    let stderr: String
}

enum Optimize {
    /// The directory holding the built products (the test bundle's directory).
    static var productsDirectory: URL {
        #if os(macOS)
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            return bundle.bundleURL.deletingLastPathComponent()
        }
        fatalError("no .xctest bundle")
        #else
        return Bundle.main.bundleURL
        #endif
    }

    static var binary: URL { productsDirectory.appendingPathComponent("optimize") }

    /// The metrics store every test's `sieve`, `search` and `bench` record into: a folder of this
    /// test process under the temporary directory, never the checkout or a test's own directory
    /// (whose contents tests compare).
    static let metricsDirectory = FileManager.default.temporaryDirectory
        .appendingPathComponent("optimize-cli-metrics-\(ProcessInfo.processInfo.processIdentifier)").path

    /// The environment of the binary: this process's, with OPTIMIZE_METRICS_DIR at ``metricsDirectory``
    /// and `extra` on top.
    static func environment(_ extra: [String: String] = [:]) -> [String: String] {
        ProcessInfo.processInfo.environment.merging(["OPTIMIZE_METRICS_DIR": metricsDirectory]) { $1 }.merging(extra) { $1 }
    }

    @discardableResult
    static func run(_ arguments: [String], in directory: URL? = nil, environment extra: [String: String] = [:]) throws -> CommandResult {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = environment(extra)
        if let directory { process.currentDirectoryURL = directory }
        // Files rather than pipes: a large output can never block the process.
        let capture = try scratchDirectory()
        defer { try? FileManager.default.removeItem(at: capture) }
        let outURL = capture.appendingPathComponent("stdout")
        let errURL = capture.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return CommandResult(
            status: process.terminationStatus,
            stdout: try String(contentsOf: outURL, encoding: .utf8),
            stderr: try String(contentsOf: errURL, encoding: .utf8))
    }

    /// Starts the binary without waiting (output discarded, or standard error written to
    /// `errors`), for tests that signal it or run several at once.
    static func start(_ arguments: [String], in directory: URL, environment extra: [String: String] = [:],
                      errors: URL? = nil) throws -> Process {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = environment(extra)
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle.nullDevice
        if let errors {
            _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
            process.standardError = try FileHandle(forWritingTo: errors)
        } else {
            process.standardError = FileHandle.nullDevice
        }
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Whether `OPTIMIZE_UNTRUSTED_GPU=1` (SieveMetal's `UntrustedGPU`): the GPU's compute results
    /// cannot be trusted here (GitHub's macOS runners), so the tests that compare `--backend metal`'s
    /// results with the CPU's skip, with ``untrustedGPUReason``.
    static var untrustedGPU: Bool { ProcessInfo.processInfo.environment["OPTIMIZE_UNTRUSTED_GPU"] == "1" }
    static let untrustedGPUReason = "OPTIMIZE_UNTRUSTED_GPU=1: this machine's GPU (a CI runner's paravirtual device) compiles shaders, but its compute results cannot be trusted"

    /// The repository's root (this file is Tests/OptimizeCLITests/CommandRunner.swift), for the
    /// scripts and committed files tests use.
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The path of the program `name` on PATH, or nil when it is not installed.
    static func executable(named name: String) -> String? {
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return directories.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// A fresh, empty directory for one test.
    static func scratchDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("optimize-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
