import ArgumentParser
import Sieve

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
            """)

    @Argument(help: "The directory of a sweep (`optimize sieve --out`) or of a search run.")
    var directory: String

    func run() throws {
        try reportingErrors {
            let converted = try LegacySweepJournal.migrate(under: FilePath(directory))
            if converted.isEmpty {
                print("\(directory): nothing to migrate (every journal is in the current format)")
            } else {
                for path in converted { print("migrated \(path)") }
            }
        }
    }
}
