import Atomics
import Dispatch
import Foundation
import Sieve

/// Turns SIGINT and SIGTERM into a request to stop: the sweep checks ``requested`` between chunks,
/// and the sieve's executor checks ``cancellation`` between its dispatches (each bounded to about
/// a quarter of a second), so every long phase stops within a second and everything written stays
/// consistent (the chunk in progress is dropped and sieved again on resume). A second signal exits
/// at once (the journal still makes that safe to resume).
final class SignalStop {
    private let signal = ManagedAtomic<Int32>(0)
    private let sources: [any DispatchSourceSignal]
    /// Cancelled by the first signal; handed to the sweeps and searches this process runs.
    let cancellation = Cancellation()

    init() {
        var sources: [any DispatchSourceSignal] = []
        let flag = signal
        let cancellation = cancellation
        for number in [SIGINT, SIGTERM] {
            Foundation.signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if flag.exchange(number, ordering: .relaxed) != 0 {
                    exit(128 + number)
                }
                cancellation.cancel()
                FileHandle.standardError.write(Data("\nstopping (signal again to stop now)\n".utf8))
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
