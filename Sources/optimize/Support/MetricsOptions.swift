import ArgumentParser
import Foundation
import OptimizeMetrics

/// `--metrics-dir DIR`: where the metrics store is (shared by the commands that record and by
/// `optimize metrics`).
struct MetricsDirectoryOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The metrics store's folder (default: $OPTIMIZE_METRICS_DIR, else .optimize/metrics in the current directory).",
                               valueName: "dir"))
    var metricsDir: String?

    /// The store, with the retention of `OPTIMIZE_METRICS_RETENTION_DAYS` (180 days when unset).
    ///
    /// - Throws: `invalidRetention` when that variable is set to something else than a number of days.
    func store() throws(InputError) -> MetricsStore {
        MetricsStore(root: MetricsStore.locate(override: metricsDir), retentionDays: try MetricsStore.retention())
    }
}

/// `--no-metrics` and `--metrics-dir`: whether and where `sieve`, `search` and `bench` record
/// their executions.
struct MetricsOptions: ParsableArguments {
    @Flag(help: "Record nothing in the metrics store (see `optimize metrics`).")
    var noMetrics = false

    @OptionGroup var directory: MetricsDirectoryOptions

    /// Appends `record` under `key`, unless --no-metrics. A failure is a warning on standard error,
    /// never the command's failure: the command's own work is done and on disk.
    func record(_ record: MetricsRecord, key: String) {
        guard !noMetrics else { return }
        do {
            try directory.store().append(record, idempotencyKey: key)
        } catch {
            StandardError.write("warning: the execution was not recorded in the metrics store: \(error)")
        }
    }
}
