import Atomics
import Dispatch
import Foundation

/// Turns SIGINT and SIGTERM into a request to stop after the current chunk: the sweep checks
/// ``requested`` between chunks, so everything written stays consistent. A second signal exits at
/// once (the journal still makes that safe to resume).
final class SignalStop {
    private let signal = ManagedAtomic<Int32>(0)
    private let sources: [any DispatchSourceSignal]

    init() {
        var sources: [any DispatchSourceSignal] = []
        let flag = signal
        for number in [SIGINT, SIGTERM] {
            Foundation.signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if flag.exchange(number, ordering: .relaxed) != 0 {
                    exit(128 + number)
                }
                FileHandle.standardError.write(Data("\nstopping after the current chunk (signal again to stop now)\n".utf8))
            }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
    }

    deinit {
        for source in sources { source.cancel() }
    }

    /// Whether a stop was asked for.
    var requested: Bool { signal.load(ordering: .relaxed) != 0 }

    /// The exit status for the signal received: 128 + its number (130 for SIGINT).
    var exitStatus: Int32 { 128 + signal.load(ordering: .relaxed) }
}
