import Foundation
import Sieve
import Study
import StudyDatabase
import WindowSearch

/// A window search whose study lives in a PostgreSQL database, run by any number of workers.
///
/// The database holds the search under its name: its study (definition and trials, see
/// ``StudyDatabase/DatabaseStudyStore``), its settings (the study's attributes: the `run.json` of
/// the search, as a directory run holds it), and each finished trial's record with where its
/// files are (``SharedTrialRecord``), the files themselves too when small (``TrialFiles``).
/// Workers (``SearchWorker``) sieve their trials on their own disks.
///
/// ```swift
/// let search = try SharedSearch.start(database: database, name: "daily3", settings: settings, history: history)
/// let worker = SearchWorker(search: search, directory: "/scratch/daily3", history: history, backend: CPUSieveBackend())
/// _ = try worker.run()
/// ```
public final class SharedSearch {
    public let store: DatabaseStudyStore
    /// The search's `run.json`, as it was made.
    public let runFile: RunFile
    public let settings: SearchSettings

    public var name: String { store.name }
    /// `URL#NAME`, for messages.
    public var source: String { store.source }

    init(store: DatabaseStudyStore) throws(InputError) {
        self.store = store
        let source = "\(store.source): settings"
        guard case .object(let members) = store.attributes, !members.isEmpty else {
            throw InputError(.invalidRun, source: store.source, problem: "is a study, not a window search (it has no search settings)",
                             fix: "give the name of a search made by `optimize search --storage URL --name NAME`")
        }
        do {
            runFile = try RunFileCoding.plainDecoder.decode(RunFile.self, from: store.attributes, source: source, kind: .invalidRun)
        } catch {
            throw InputError(.invalidRun, source: error.source, problem: error.problem, fix: "restore the database from a backup")
        }
        settings = try SearchSettings(runFile: runFile, source: source)
    }

    /// Opens the search `name`.
    ///
    /// - Throws: ``InputError``: `unknownStudy`; `invalidRun` when the name is a plain study.
    public static func open(database: DatabaseConnection, name: String) throws(InputError) -> SharedSearch {
        try SharedSearch(store: try DatabaseStudyStore(opening: name, database: database))
    }

    /// Creates the search `name` with `settings`, or joins it when it exists with the same settings.
    ///
    /// - Returns: the search, and whether this call created it.
    /// - Throws: ``InputError``: the settings' own errors before anything is written;
    ///   `studyExists` when the search exists with other settings (naming them).
    public static func start(database: DatabaseConnection, name: String, settings: SearchSettings,
                             history: DrawHistory) throws(InputError) -> (search: SharedSearch, created: Bool) {
        let shape = HistoryShape(history: history)
        guard settings.historyChecksum == history.checksum else {
            throw InputError(.outputDirectoryMismatch, source: history.source, problem: "is not the history the settings were made for",
                             fix: "make the settings from this history")
        }
        try settings.validate(shape: shape, boundsSource: "the search bounds")
        let runFile = RunFile(settings: settings, status: "shared", created: Timestamp.now(), shape: shape, history: history)
        let definition = StudyDefinition(space: settings.bounds.space, direction: .maximize, seed: settings.samplerSeed)
        let (store, created) = try DatabaseStudyStore.create(
            database: database, name: name, definition: definition, attributes: try RunFileCoding.encoder.encode(runFile), join: true)
        let search = try SharedSearch(store: store)
        if !created {
            let differences = search.settings.differences(from: settings)
            guard differences.isEmpty else {
                throw InputError(.studyExists, source: store.source, problem: "holds a search with other \(differences.joined(separator: ", "))",
                                 fix: "repeat that search's exact options to join it, use `optimize worker --storage URL --name \(name)`, or choose another name")
            }
        }
        return (search, created)
    }

    // MARK: - Reading

    /// One trial of the search as the database holds it.
    public struct Trial: Sendable {
        public var row: DatabaseStudyStore.TrialRow
        /// The record of a finished trial (nil while it runs).
        public var record: SharedTrialRecord?
    }

    /// Every trial, by number, with the records of finished ones; with `files`, their packed files.
    public func trials(files: Bool = false) throws(InputError) -> [Trial] {
        let decoder = RunFileCoding.decoder(bounds: settings.bounds)
        var trials: [Trial] = []
        for row in try store.rows(records: true, attachments: files) {
            var record: SharedTrialRecord?
            if let text = row.record {
                let source = "\(source): trial \(row.trial.number): record"
                guard let json = try? JSONReader.parse(Array(text.utf8)) else {
                    throw InputError(.damagedOutputDirectory, source: source, problem: "is not JSON", fix: "restore the database from a backup")
                }
                record = try decoder.decode(SharedTrialRecord.self, from: json, source: source, kind: .damagedOutputDirectory)
            }
            trials.append(Trial(row: row, record: record))
        }
        return trials
    }

    /// The records of the finished trials 0, 1, 2 … up to the first that is not finished: the
    /// run as a directory's journal holds it (trials are journaled in order).
    public static func finishedPrefix(_ trials: [Trial]) -> [SharedTrialRecord] {
        var prefix: [SharedTrialRecord] = []
        for trial in trials {
            guard let record = trial.record, trial.row.trial.number == prefix.count else { break }
            prefix.append(record)
        }
        return prefix
    }
}
