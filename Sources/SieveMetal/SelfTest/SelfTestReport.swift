import Foundation
import Sieve

/// What ``SelfTest`` found on this machine: the checks, the verdict, and the machine they ran on,
/// as one screen of text or one JSON document to attach to a bug report.
public struct SelfTestReport: Sendable {
    /// The JSON report's schema: a field's meaning never changes within one.
    public static let schema = 1

    public let checks: [SelfTestCheck]
    /// The backend's name as outputs record it ("cpu", "metal", "metal (emulated)").
    public let backend: String
    /// The backend selection's line (device, threads, lanes).
    public let backendSummary: String
    /// What the backend was held to ("the CPU backend", "the plain oracle").
    public let reference: String
    /// The operating system and processor, as far as a bug report needs them.
    public let platform: String

    /// No check failed (a skipped check does not count against the machine).
    public var passed: Bool { !checks.contains { $0.status == .fail } }

    /// The verdict in one line.
    public var verdict: String {
        if passed {
            return "PASS: the \(backend) backend gives \(reference)'s results on this machine"
        }
        let failed = checks.filter { $0.status == .fail }.map(\.title)
        return "FAIL (\(failed.joined(separator: ", "))): do not trust long runs on the \(backend) backend here; "
            + "attach the output of `optimize selftest --json` to a bug report"
    }

    /// One screen: a header, a line per check (and up to five findings under a failed one), the
    /// verdict.
    public var text: [String] {
        var lines = ["optimize \(OptimizeVersion.current) selftest on \(platform)", backendSummary]
        let width = checks.map(\.title.count).max() ?? 0
        for check in checks {
            let title = check.title.padding(toLength: width, withPad: " ", startingAt: 0)
            let status = check.status.rawValue.uppercased().padding(toLength: 7, withPad: " ", startingAt: 0)
            lines.append("\(status) \(title)  \(check.summary) (\(String(format: "%.1f", check.seconds)) s)")
            for finding in check.findings.prefix(5) { lines.append("          \(finding)") }
            if check.findings.count > 5 { lines.append("          … and \(check.findings.count - 5) more (see --json)") }
        }
        lines.append("verdict: \(verdict)")
        return lines
    }

    /// The report as one JSON document.
    public var json: JSONValue {
        .object([
            ("schema", .integer(Self.schema)), ("version", .string(OptimizeVersion.current)),
            ("platform", .string(platform)), ("backend", .string(backend)),
            ("backend_summary", .string(backendSummary)), ("reference", .string(reference)),
            ("verdict", .string(passed ? "pass" : "fail")), ("verdict_text", .string(verdict)),
            ("checks", .array(checks.map(\.json))),
        ])
    }

    /// This machine: operating system, processor architecture and core count.
    public static var currentPlatform: String {
        #if arch(arm64)
        let architecture = "arm64"
        #elseif arch(x86_64)
        let architecture = "x86_64"
        #else
        let architecture = "unknown architecture"
        #endif
        let info = ProcessInfo.processInfo
        #if os(macOS)
        let system = "macOS \(info.operatingSystemVersionString)"
        #else
        let system = "Linux \(info.operatingSystemVersionString)"
        #endif
        return "\(system), \(architecture), \(info.activeProcessorCount) cores"
    }
}
