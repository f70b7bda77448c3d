import _OptimizeSupport

/// An agent's `summary.json`: its executions' count, success rate, averages, last execution and
/// trends, recomputed from `executions.jsonl` after every append and prune.
public struct MetricsSummary: Codable, Sendable, Equatable {
    /// The trends of the three measurements (see ``Trend`` for the rule).
    public struct Trends: Codable, Sendable, Equatable {
        public var successRate: Trend
        public var qualityScore: Trend
        public var executionTimeS: Trend
    }

    public var agent: String
    public var executionCount: Int
    /// The share of executions that succeeded; nil without executions.
    public var successRate: Double?
    /// The mean over the executions that have a quality score; nil when none has.
    public var avgQualityScore: Double?
    /// The mean over the executions that have an execution time; nil when none has.
    public var avgExecutionTimeS: Double?
    /// The timestamp of the last execution recorded (in the file's order).
    public var lastExecution: String?
    public var trend: Trends

    /// The summary of `records`, in the order they were appended.
    public init(agent: String, records: [MetricsRecord]) {
        self.agent = agent
        executionCount = records.count
        let successes = records.map { $0.success ? 1.0 : 0.0 }
        let qualities = records.compactMap(\.qualityScore)
        let times = records.compactMap(\.executionTimeS)
        func mean(_ values: [Double]) -> Double? { values.isEmpty ? nil : values.reduce(0, +) / Double(values.count) }
        successRate = mean(successes)
        avgQualityScore = mean(qualities)
        avgExecutionTimeS = mean(times)
        lastExecution = records.last?.timestamp
        trend = Trends(successRate: Trend(values: successes, floor: .absolute(0.05)),
                       qualityScore: Trend(values: qualities, floor: .relative(0.01)),
                       executionTimeS: Trend(values: times, floor: .relative(0.01)))
    }

    /// `summary.json`'s content: snake_case keys, sorted, so that equal summaries are equal bytes;
    /// a figure that does not exist yet is `null`, not left out.
    public func json() throws(InputError) -> JSONValue {
        var value = try JSONValueEncoder(keys: .snakeCase).encode(self)
        for key in ["success_rate", "avg_quality_score", "avg_execution_time_s", "last_execution"] where value[key] == nil {
            value = value.setting(key, .null)
        }
        return value.sortingKeys()
    }
}
