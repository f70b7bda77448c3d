import ArgumentParser
import Sieve
import SieveMetal

/// `--backend auto|metal|cpu`, shared by every command that runs the sieve.
struct BackendOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Where the sieve runs: auto (Metal when this machine has a GPU, else the CPU), metal (on Linux: an emulation, slow), or cpu.",
        valueName: "auto|metal|cpu"))
    var backend: String = "auto"

    /// The request, checked.
    func request() throws(InputError) -> BackendRequest {
        guard let request = BackendRequest(rawValue: backend.lowercased()) else {
            throw InputError(.invalidOption, source: "--backend", problem: "'\(backend)' is not a backend",
                             fix: "give auto, metal or cpu")
        }
        return request
    }

    /// Chooses the backend and says which on standard error.
    ///
    /// - Throws: ``InputError`` for an unknown backend or `metal` where Metal has no device;
    ///   ``MetalBackendError`` when Metal cannot be set up.
    func select(cpu: CPUSieveBackend = CPUSieveBackend(),
                metal: MetalSieveBackend.Configuration = .init()) throws -> BackendSelection {
        let selection: BackendSelection
        do {
            selection = try BackendSelection.make(try request(), cpu: cpu, metal: metal)
        } catch MetalBackendError.noDevice {
            throw InputError(.invalidOption, source: "--backend", problem: "Metal has no device on this machine",
                             fix: "give --backend cpu, or auto")
        }
        StandardError.write(selection.summary)
        return selection
    }
}
