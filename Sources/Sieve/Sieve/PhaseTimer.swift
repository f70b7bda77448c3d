import Synchronization

/// Wall time per phase of a sieve run: the low-bit class tables, the backend's dispatches, the
/// chance calibration, the writing of survivors and journal lines, and everything else.
///
/// A timer is reached through the task-local ``current``, so that no signature of the backends,
/// the executor or the sweep carries it: code that has a phase wraps it in ``measure(_:_:)``, which
/// costs one task-local read when no timer is set.
///
/// ```swift
/// let timer = PhaseTimer()
/// let outcome = try PhaseTimer.$current.withValue(timer) { try sweep.run() }
/// let report = timer.report()
/// report.seconds[.kernel]       // time in the backend's dispatches
/// report.share(.writing)        // the fraction of the wall time spent writing
/// ```
///
/// **Nesting.** Phases nest: building a class table runs dispatches, and so does the chance
/// calibration. Time is counted **exclusively**, as a profiler counts self time: a measured
/// stretch is charged to the innermost phase being measured, and the outer phase is charged only
/// for what its inner phases did not take. So the phases never count a second twice, and they sum
/// to at most the wall time. What an outer phase spent in inner ones is kept apart
/// (``Report/within``): the dispatches that built the class tables, for instance, are kernel time,
/// and ``Report/inclusive(_:)`` of `.tables` adds them back.
///
/// Measurements are taken on the thread (or task) that calls ``measure(_:_:)``: the executor and
/// the sweep call it on theirs, and the backend's worker threads are never timed one by one, so
/// the figures are wall time, not processor time.
public final class PhaseTimer: Sendable {
    /// The phases a sieve run's time is split into.
    public enum Phase: String, Sendable, CaseIterable, Hashable {
        /// Building low-bit class tables (``LowBitClassTable``), apart from their dispatches.
        case tables
        /// The backend's dispatches (``SieveDispatchBackend/execute(_:of:identity:)``).
        case kernel
        /// The empirical chance calibration (``SievePlan/chanceExpectation(seedCount:backend:sampleSize:cancellation:)``),
        /// apart from its dispatches.
        case calibration
        /// Appending survivors and journal lines, and writing the summary (``SieveSweep``).
        case writing
        /// Everything not measured as another phase: in a ``Report``, the wall time left over.
        case other
    }

    /// The timer that ``measure(_:_:)`` charges, if any.
    @TaskLocal public static var current: PhaseTimer?

    /// The phase being measured on this task, which a nested measurement discounts.
    @TaskLocal static var enclosing: Frame?

    /// One phase being measured: the time its inner phases took so far.
    final class Frame: Sendable {
        let phase: Phase
        let inner = Mutex<Double>(0)
        init(phase: Phase) { self.phase = phase }
    }

    private struct State {
        var seconds: [Phase: Double] = [:]
        var within: [Phase: [Phase: Double]] = [:]
        var calls: [Phase: Int] = [:]
        var callsWithInner: [Phase: Int] = [:]
    }

    private let state = Mutex(State())
    private let started = ContinuousClock.now

    public init() {}

    /// Runs `body`, charging its wall time to `phase` of the ``current`` timer (less the time of
    /// the phases measured inside it); without a timer, just runs `body`.
    public static func measure<T>(_ phase: Phase, _ body: () throws -> T) rethrows -> T {
        guard let timer = current else { return try body() }
        let frame = Frame(phase: phase)
        let parent = enclosing
        let start = ContinuousClock.now
        defer { timer.charge(frame, parent: parent, total: (ContinuousClock.now - start).seconds) }
        return try $enclosing.withValue(frame) { try body() }
    }

    private func charge(_ frame: Frame, parent: Frame?, total: Double) {
        let inner = frame.inner.withLock { $0 }
        state.withLock { state in
            state.seconds[frame.phase, default: 0] += max(0, total - inner)
            state.calls[frame.phase, default: 0] += 1
            if inner > 0 { state.callsWithInner[frame.phase, default: 0] += 1 }
            if let parent { state.within[parent.phase, default: [:]][frame.phase, default: 0] += total }
        }
        parent?.inner.withLock { $0 += total }
    }

    /// What the timer measured, against `wall` seconds (by default, the time since it was made):
    /// ``Phase/other`` is the wall time no other phase took.
    public func report(wall: Double? = nil) -> Report {
        let wall = wall ?? (ContinuousClock.now - started).seconds
        let measured = state.withLock { $0 }
        var seconds = measured.seconds
        let charged = Phase.allCases.filter { $0 != .other }.reduce(0) { $0 + (seconds[$1] ?? 0) }
        seconds[.other] = max(0, wall - charged)
        for phase in Phase.allCases where seconds[phase] == nil { seconds[phase] = 0 }
        return Report(wall: wall, seconds: seconds, within: measured.within, calls: measured.calls,
                      callsWithInner: measured.callsWithInner)
    }

    /// A timer's figures.
    public struct Report: Sendable {
        /// The wall time the phases are shares of.
        public let wall: Double
        /// Exclusive seconds per phase (every phase present); ``Phase/other`` is the rest of ``wall``.
        public let seconds: [Phase: Double]
        /// Seconds of inner phases measured inside an outer one, by outer phase: `within[.tables]?[.kernel]`
        /// is the time of the dispatches that built class tables.
        public let within: [Phase: [Phase: Double]]
        /// How many times each phase was measured.
        public let calls: [Phase: Int]
        /// How many of those measurements had inner phases: for `.tables`, the tables actually
        /// sieved (the rest were taken from the cache).
        public let callsWithInner: [Phase: Int]

        /// The fraction of ``wall`` spent in `phase`, exclusively (0 when nothing was measured).
        public func share(_ phase: Phase) -> Double {
            wall > 0 ? (seconds[phase] ?? 0) / wall : 0
        }

        /// A phase's seconds with those of the phases measured inside it.
        public func inclusive(_ phase: Phase) -> Double {
            (seconds[phase] ?? 0) + (within[phase]?.values.reduce(0, +) ?? 0)
        }

        /// The measured phases' sum (``Phase/other`` left out): at most ``wall``.
        public var measured: Double {
            Phase.allCases.filter { $0 != .other }.reduce(0) { $0 + (seconds[$1] ?? 0) }
        }
    }
}
