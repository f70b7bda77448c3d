import ArgumentParser
import Sieve
import SieveMetal

/// `--backend auto|metal|cpu`, shared by every command that runs the sieve.
struct BackendOptions: ParsableArguments {
    @Option(help: "Where the sieve runs: auto (Metal when this machine has a GPU, else the CPU), metal (on Linux: an emulation, slow), or cpu.")
    var backend: BackendRequest = .auto

    @Option(parsing: .unconditional, help: ArgumentHelp("Threads of the CPU backend (default: one per core). One worker per core: --threads 1.", valueName: "n"))
    var threads: Int?

    /// Chooses the backend and says which on standard error.
    ///
    /// - Throws: ``InputError`` for `metal` where Metal has no device; ``MetalBackendError`` when
    ///   Metal cannot be set up.
    func select(cpu given: CPUSieveBackend? = nil,
                metal: MetalSieveBackend.Configuration = .init()) throws -> BackendSelection {
        if let threads, !(1...4096).contains(threads) {
            throw InputError(.invalidOption, source: "--threads", problem: "\(threads) threads", fix: "give 1 to 4096 threads")
        }
        let cpu = given ?? threads.map { CPUSieveBackend(threads: $0) } ?? CPUSieveBackend()
        let selection: BackendSelection
        do {
            selection = try BackendSelection.make(backend, cpu: cpu, metal: metal)
        } catch MetalBackendError.noDevice {
            throw InputError(.invalidOption, source: "--backend", problem: "Metal has no device on this machine",
                             fix: "give --backend cpu, or auto")
        }
        StandardError.write(selection.summary)
        return selection
    }
}
