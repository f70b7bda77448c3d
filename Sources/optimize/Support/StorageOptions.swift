import ArgumentParser
import Foundation
import StudyDatabase
import SearchWorkers

/// `--storage postgresql://…`: a study database in place of a directory (`OPTIMIZE_STORAGE` when
/// the option is not given). Shared by every command that reads or writes a study or a search.
struct StorageOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A PostgreSQL study database, postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE, in place of a directory (default: $OPTIMIZE_STORAGE, else the file store).",
                               valueName: "url"))
    var storage: String?

    /// The database's URL, or `nil` for the file store.
    func url() throws(InputError) -> StorageURL? {
        try StorageURL.resolve(option: storage)
    }

    /// A connection to the database, or `nil` for the file store.
    func connect(retrySeconds: Double = 300) throws(InputError) -> DatabaseConnection? {
        guard let url = try url() else { return nil }
        let connection = try DatabaseConnection(url: url, retrySeconds: retrySeconds)
        connection.onRetry = { problem, wait in
            StandardError.write(String(format: "database: %@; retrying in %.1f s", problem, wait))
        }
        return connection
    }
}

/// `--storage URL --name NAME`: a shared search, for the commands that read a run.
struct SharedRunOptions: ParsableArguments {
    @OptionGroup var storage: StorageOptions

    @Option(help: "With --storage: the search's name in the database (in place of a run directory).")
    var name: String?

    /// The shared search named, or `nil` when none is (then a run directory is read).
    ///
    /// - Throws: ``InputError`` when only one of the two is given, or for a directory given too.
    func search(directory: String?) throws(InputError) -> SharedSearch? {
        let url = try storage.url()
        switch (url, name) {
        case (nil, nil):
            return nil
        case (nil, _?):
            throw InputError(.invalidOption, source: "--name", problem: "given without --storage (or OPTIMIZE_STORAGE)",
                             fix: "add --storage postgresql://USER@HOST/DATABASE, or give a run directory instead")
        case (_?, nil) where directory != nil:
            return nil  // a directory, with OPTIMIZE_STORAGE set for other commands
        case (_?, nil):
            throw InputError(.invalidOption, source: "--name", problem: "missing: --storage names a database, not a search",
                             fix: "add --name NAME, the name given to `optimize search --storage URL --name NAME`")
        case (_?, let name?):
            if let directory {
                throw InputError(.invalidOption, source: directory, problem: "a run directory given with --storage and --name",
                                 fix: "give either a run directory, or --storage URL --name NAME")
            }
            guard let connection = try storage.connect() else { return nil }
            return try SharedSearch.open(database: connection, name: name)
        }
    }
}

extension SharedRunOptions {
    /// Runs `body` on the run to read: `directory`, or the shared search `--storage --name` names,
    /// written out as a run directory for the time of the call.
    ///
    /// - Parameter body: gets the directory to read and what to call the run in output (the
    ///   directory, or `URL#NAME`).
    func withRun<T>(directory: String?, _ body: (_ path: String, _ label: String) throws -> T) throws -> T {
        if let search = try search(directory: directory) {
            return try search.withRunDirectory { path in try body(path, search.source) }
        }
        guard let directory else {
            throw InputError(.invalidOption, source: "DIR", problem: "missing",
                             fix: "give the run's directory, or --storage URL --name NAME for a search in a database")
        }
        return try body(directory, directory)
    }
}
