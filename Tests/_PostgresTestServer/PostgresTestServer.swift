import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The PostgreSQL server the tests use: the one `.ci/run` started (`OPTIMIZE_TEST_POSTGRES_DIR`),
/// or else one this test process starts itself with `Scripts/postgres/throwaway-cluster.sh`, and
/// stops when it exits. Each test takes a database of its own (``database(_:)``).
///
/// The tests fail, never skip, when no server can be had: a study store that is not tested
/// against a real server is not tested.
public enum PostgresTestServer {
    /// The repository: three levels above this file.
    public static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static let script = repository.appendingPathComponent("Scripts/postgres/throwaway-cluster.sh").path

    /// The cluster's directory, for `halt` and `resume`.
    public static let directory: Result<String, ServerError> = {
        if let given = ProcessInfo.processInfo.environment["OPTIMIZE_TEST_POSTGRES_DIR"], !given.isEmpty {
            return .success(given)
        }
        let own = "/tmp/optimize-pg-test-\(getpid())"
        switch run(["start", own]) {
        case .success:
            atexit { _ = PostgresTestServer.run(["stop", "/tmp/optimize-pg-test-\(getpid())"]) }
            return .success(own)
        case .failure(let error):
            return .failure(error)
        }
    }()

    public struct ServerError: Error, CustomStringConvertible {
        public let description: String
    }

    /// A new, empty database, by URL.
    public static func database(_ prefix: String = "t") throws -> String {
        let name = "\(prefix)_\(UInt32.random(in: 0...UInt32.max))_\(getpid())"
        return try run(["createdb", try directory.get(), name]).get()
    }

    /// A server of one test's own, for a test that stops and restarts it (the shared server
    /// stays up for the tests running beside it).
    public final class PrivateCluster {
        public let directory: String
        /// The URL of its database `optimize_test`.
        public let url: String

        public init() throws {
            directory = "/tmp/optimize-pg-private-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            url = try PostgresTestServer.run(["start", directory]).get()
        }

        /// Stops the server, keeping its data.
        public func halt() throws { _ = try PostgresTestServer.run(["halt", directory]).get() }
        /// Starts it again on the same port.
        public func resume() throws { _ = try PostgresTestServer.run(["resume", directory]).get() }

        deinit { PostgresTestServer.run(["stop", directory]) }
    }

    @discardableResult
    static func run(_ arguments: [String]) -> Result<String, ServerError> {
        // system(3), not Foundation's Process: Process on Linux sees its child's exit only once
        // every descendant has closed a descriptor it inherits, and the server the script starts
        // keeps it. The output goes to files, read once the script has exited.
        let capture = FileManager.default.temporaryDirectory.appendingPathComponent("optimize-pg-run-\(UUID().uuidString)")
        let outPath = capture.path + ".out", errPath = capture.path + ".err"
        defer {
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
        }
        let words = ([script] + arguments).map(quoted).joined(separator: " ")
        let status = system("/bin/bash \(words) >\(quoted(outPath)) 2>\(quoted(errPath)) </dev/null")
        let text = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let problems = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        guard status == 0 else {
            return .failure(ServerError(description: "\(script) \(arguments.joined(separator: " ")) failed (status \(status)): \(problems)"))
        }
        return .success(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// `text` as one shell word.
    static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
