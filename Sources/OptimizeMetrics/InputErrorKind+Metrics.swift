import _OptimizeSupport

extension InputError.Kind {
    /// An agent name that has no records in the metrics store (`optimize metrics show`), or that
    /// cannot be one (not letters, digits, `.`, `_` and `-`, starting with a letter or digit).
    public static let unknownAgent = Self("unknownAgent")
    /// A retention that is not a whole number of days of at least 1 (`--days`,
    /// `OPTIMIZE_METRICS_RETENTION_DAYS`).
    public static let invalidRetention = Self("invalidRetention")
}
