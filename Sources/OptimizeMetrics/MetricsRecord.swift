import Foundation
import _OptimizeSupport

/// One execution of an agent (a command or a workload), as one line of its `executions.jsonl`.
///
/// Every record carries the same keys, `null` where a value does not apply (a sieve has no quality
/// score), so that a reader of the file never guesses whether a key was forgotten:
///
/// ```json
/// {"success":true,"timestamp":"2026-12-02T05:40:00.000Z","agent":"bench.W1","quality_score":4.1e7,
///  "execution_time_s":0.41,"workload":"W1","backend":"cpu","machine":{…},"tool_version":"0.1.0",
///  "idempotency_key":"bench/6F1C…/1/W1","details":{"seeds":16777216}}
/// ```
///
/// What `quality_score` measures is the agent's own figure, higher being better: a search's best
/// trial's score, a bench workload's seeds per second. The README's "Measuring over time" lists them.
public struct MetricsRecord: Codable, Sendable, Equatable {
    public var success: Bool
    /// When the execution ended, UTC ISO 8601 with milliseconds (``Timestamp``).
    public var timestamp: String
    public var agent: String
    public var qualityScore: Double?
    public var executionTimeS: Double?
    public var workload: String?
    public var backend: String?
    public var machine: Machine
    public var toolVersion: String
    /// Set by ``MetricsStore/append(_:idempotencyKey:)``: the key that makes a second append of the
    /// same execution (a resumed run, a retried step) write nothing.
    public var idempotencyKey: String
    /// Anything else the agent measured (seeds, survivors, a soak's iteration), as one JSON object.
    public var details: JSONValue?

    /// A record of an execution that ended now on this machine, with this version of the tool.
    public init(success: Bool, agent: String, qualityScore: Double? = nil, executionTimeS: Double? = nil,
                workload: String? = nil, backend: String? = nil, details: JSONValue? = nil,
                timestamp: String = Timestamp.now(), machine: Machine = .current,
                toolVersion: String = OptimizeVersion.current) {
        self.success = success
        self.timestamp = timestamp
        self.agent = agent
        self.qualityScore = qualityScore
        self.executionTimeS = executionTimeS
        self.workload = workload
        self.backend = backend
        self.machine = machine
        self.toolVersion = toolVersion
        self.idempotencyKey = ""
        self.details = details
    }

    /// The idempotency key of one workload of one iteration of a run (a bench invocation, a soak):
    /// `PREFIX/RUN/ITERATION/WORKLOAD`. The same run resumed computes the same keys, so the
    /// iterations it already recorded are not counted twice.
    public static func key(_ prefix: String, run: String, iteration: Int, workload: String) -> String {
        "\(prefix)/\(run)/\(iteration)/\(workload)"
    }

    /// The time of ``timestamp``, or nil when it is not one ``Timestamp`` wrote.
    public var date: Date? { Timestamp.date(timestamp) }

    enum CodingKeys: String, CodingKey {
        case success, timestamp, agent, qualityScore, executionTimeS, workload, backend, machine, toolVersion,
             idempotencyKey, details
    }

    // Written by hand so that absent values are `null` rather than left out (see above).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(success, forKey: .success)
        try container.encode(timestamp, forKey: .timestamp)
        try container.encode(agent, forKey: .agent)
        try container.encode(JSONValue.number(qualityScore), forKey: .qualityScore)
        try container.encode(JSONValue.number(executionTimeS), forKey: .executionTimeS)
        try container.encode(workload.map(JSONValue.string) ?? .null, forKey: .workload)
        try container.encode(backend.map(JSONValue.string) ?? .null, forKey: .backend)
        try container.encode(machine, forKey: .machine)
        try container.encode(toolVersion, forKey: .toolVersion)
        try container.encode(idempotencyKey, forKey: .idempotencyKey)
        try container.encode(details ?? .null, forKey: .details)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        success = try container.decode(Bool.self, forKey: .success)
        timestamp = try container.decode(String.self, forKey: .timestamp)
        agent = try container.decode(String.self, forKey: .agent)
        qualityScore = try container.decodeIfPresent(Double.self, forKey: .qualityScore)
        executionTimeS = try container.decodeIfPresent(Double.self, forKey: .executionTimeS)
        workload = try container.decodeIfPresent(String.self, forKey: .workload)
        backend = try container.decodeIfPresent(String.self, forKey: .backend)
        machine = try container.decode(Machine.self, forKey: .machine)
        toolVersion = try container.decode(String.self, forKey: .toolVersion)
        idempotencyKey = try container.decode(String.self, forKey: .idempotencyKey)
        let extra = try container.decodeIfPresent(JSONValue.self, forKey: .details)
        details = extra == .null ? nil : extra
    }
}
