import ArgumentParser
import Sieve
import SieveMetal
import Study
import WindowSearch

// The library enums that options choose from, as ArgumentParser values: `--help` lists their
// values, and an unknown value is a usage error (status 64) that names them. The libraries do not
// depend on ArgumentParser, so the conformances live here.

/// `--backend auto|metal|cpu` (any case).
extension BackendRequest: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

/// `--draws-format json|csv|text` (any case).
extension DrawHistory.Format: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

/// `generate --format json|csv|text` (any case).
extension DrawHistoryFormat: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

/// `survivors --format json|csv`.
extension SurvivorExport.Format: ExpressibleByArgument {}

/// `study new --direction minimize|maximize` (any case).
extension Direction: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

/// `search --objective significance|count|band`.
extension Objective.Kind: ExpressibleByArgument {}
