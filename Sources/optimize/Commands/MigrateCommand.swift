import ArgumentParser
import Sieve
import StudyDatabase

/// `optimize migrate DIR`: converts the files of an older version in place, so that they are read.
struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Convert a sweep or a search run written by an older version of optimize to the current formats.",
        discussion: """
            Version 0.1.0 wrote a sweep's chunks.journal as JSON, a tab and a checksum per line; the \
            current journal writes the checksum first. migrate rewrites every such journal in DIR \
            (a sweep, or a search run and its trials), each atomically. Files already current are left \
            alone, so running it twice is harmless.

            With --storage, migrate brings the study database's tables to this version's schema \
            (creating them in an empty database). Stop the workers of older versions first.
            """)

    @Argument(help: "The directory of a sweep (`optimize sieve --out`) or of a search run (none with --storage).")
    var directory: String?

    @OptionGroup var storage: StorageOptions

    func run() throws {
        try reportingErrors {
            if let database = try storage.connect() {
                if let directory {
                    throw InputError(.invalidOption, source: directory, problem: "a directory given with --storage",
                                     fix: "give either a directory to migrate, or --storage URL")
                }
                let (from, to) = try DatabaseSchema.migrate(database, upgrade: true)
                print(from == to ? "\(database.url): schema version \(to) already (nothing to migrate)"
                                 : "\(database.url): schema version \(from) migrated to \(to)")
                return
            }
            guard let directory else {
                throw InputError(.invalidOption, source: "DIR", problem: "missing", fix: "give a directory to migrate, or --storage URL")
            }
            let converted = try LegacySweepJournal.migrate(under: FilePath(directory))
            if converted.isEmpty {
                print("\(directory): nothing to migrate (every journal is in the current format)")
            } else {
                for path in converted { print("migrated \(path)") }
            }
        }
    }
}
