import Synchronization

/// A request to stop a long computation, checked between bounded pieces of work: a signal handler
/// (the command line's `SignalStop`) cancels it, and the ``SieveExecutor`` consults it before every
/// dispatch, so that a sweep, a chance calibration or a low-bit class table stops within one
/// dispatch (each bounded to about ``SieveExecutor/dispatchSecondsWhenCancellable`` seconds).
///
/// Work that stops throws ``SieveCancelled``; a ``SieveSweep`` turns that into an interrupted
/// outcome after its last completed chunk, so a run stopped mid-chunk resumes to the same files.
///
/// ```swift
/// let stop = Cancellation()
/// let executor = SieveExecutor(backend: CPUSieveBackend(), cancellation: stop)
/// // from another thread: stop.cancel()
/// ```
public final class Cancellation: Sendable {
    private let flag = Atomic<Bool>(false)
    /// Whether anything can cancel this token (``never`` cannot).
    public let isCancellable: Bool

    public init() { isCancellable = true }
    private init(cancellable: Bool) { isCancellable = cancellable }

    /// A token nothing cancels: work runs to its end, in dispatches as large as the backend likes.
    public static let never = Cancellation(cancellable: false)

    /// Asks the work to stop at its next check.
    public func cancel() {
        precondition(isCancellable, "Cancellation.never cannot be cancelled")
        flag.store(true, ordering: .relaxed)
    }

    public var isCancelled: Bool { flag.load(ordering: .relaxed) }

    /// Throws ``SieveCancelled`` when cancellation was asked for.
    public func check() throws(SieveCancelled) {
        if isCancelled { throw SieveCancelled() }
    }
}

/// Thrown by work stopped through its ``Cancellation``: nothing it was writing is incomplete.
public struct SieveCancelled: Error, Sendable, CustomStringConvertible {
    public init() {}
    public var description: String { "stopped on request" }
}
