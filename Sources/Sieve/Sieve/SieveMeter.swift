/// Progress inside one executor run (one chunk of a sweep), for displays that should move between
/// a sweep's checkpoints: the ``SieveExecutor`` reports each top-level dispatch it finishes (its
/// overflow re-runs included), as a share of the run's seeds, on the thread that runs it.
///
/// The granularity is the executor's dispatch, which a cancellable run bounds to about
/// ``SieveExecutor/dispatchSecondsWhenCancellable`` seconds: no per-seed counting, so the kernels
/// run exactly as fast with a meter as without, on every backend. The meter observes only: the
/// survivors, journals and checkpoints are the same with or without one.
///
/// ```swift
/// let meter = SieveMeter { done, total in print("\(done) of \(total)") }
/// let executor = SieveExecutor(backend: CPUSieveBackend(), meter: meter)
/// ```
public final class SieveMeter: @unchecked Sendable {
    // @unchecked: the executor calls `report` only on the thread that runs it (one at a time), and
    // the meter holds no other state.
    private let report: (_ done: UInt128, _ total: UInt128) -> Void

    /// - Parameter report: called with the positions done (seeds, or pruned-set positions) and the
    ///   run's total, after each dispatch; on the executor's calling thread.
    public init(_ report: @escaping (_ done: UInt128, _ total: UInt128) -> Void) {
        self.report = report
    }

    func advanced(done: UInt128, of total: UInt128) {
        report(done, total)
    }
}
