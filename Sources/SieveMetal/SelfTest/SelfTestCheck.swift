import Sieve

/// The outcome of one check of ``SelfTest``: whether it passed, one line for the screen, the
/// findings behind a failure, and the figures for the JSON report.
public struct SelfTestCheck: Sendable {
    /// A check passes, fails, or does not apply to the backend (the CPU has no dispatches to size).
    public enum Status: String, Sendable {
        case pass
        case fail
        case skipped
    }

    /// A stable identifier for scripts and bug reports (`planted-seeds`, `reference`,
    /// `dispatch-sizing`, `bench`).
    public let id: String
    /// What the screen calls it.
    public let title: String
    public let status: Status
    /// One line: what was checked and what came out.
    public let summary: String
    /// What failed, one finding a line (empty when the check passed).
    public let findings: [String]
    /// Wall time of the check.
    public let seconds: Double
    /// The check's figures, for the JSON report.
    public let figures: [(key: String, value: JSONValue)]

    public init(id: String, title: String, status: Status, summary: String, findings: [String] = [], seconds: Double,
                figures: [(key: String, value: JSONValue)] = []) {
        self.id = id
        self.title = title
        self.status = status
        self.summary = summary
        self.findings = findings
        self.seconds = seconds
        self.figures = figures
    }

    /// The check as one JSON object.
    public var json: JSONValue {
        .object([
            ("id", .string(id)), ("title", .string(title)), ("status", .string(status.rawValue)),
            ("summary", .string(summary)), ("findings", .array(findings.map { .string($0) })),
            ("seconds", .number(seconds)), ("figures", .object(figures)),
        ])
    }
}
