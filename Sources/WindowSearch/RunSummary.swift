import Foundation
import Sieve
import Study

/// A run directory read for reports: its settings and every trial record that can be read. A
/// damaged record is reported and skipped, never fatal.
public struct RunSummary: Sendable {
    public let directory: String
    public let settings: SearchSettings
    public let status: String
    public let outcomes: [TrialOutcome]
    /// Records that could not be used: where, and why.
    public let skipped: [(place: String, problem: String)]
    /// Whether the journal ended in a torn record (a trial being written when the process died).
    public let tornTail: Bool
    /// Seconds per trial, where timed.
    public let durations: [Int: Double]
    /// Trial files (`trials/NNNNN/trial.json`) that cannot be read as a trial record, or disagree
    /// with the trial's journal record: where (relative to the run), and why. Reported, never skipped
    /// in silence; the journal's record stays the one used.
    public let unreadableTrialFiles: [(place: String, problem: String)]

    /// Reads the run in `directory`.
    ///
    /// - Throws: ``InputError`` (`invalidRun`) when the directory is missing or holds no
    ///   readable run.json.
    public static func load(directory: String) throws(InputError) -> RunSummary {
        let runFile = try RunFile.read(directory: directory)
        let settings = try SearchSettings(runFile: runFile, source: FilePath(directory).appending(RunFile.fileName).string)
        let journalPath = FilePath(directory).appending(RunFiles.journal)
        let contents = try Journal.read(journalPath, damage: .damagedOutputDirectory)
        var skipped: [(place: String, problem: String)] = []
        var outcomes: [TrialOutcome] = []
        var seen = Set<Int>()
        let decoder = RunFileCoding.decoder(bounds: settings.bounds)
        for (index, record) in contents.records.enumerated() {
            let place = "\(RunFiles.journal): line \(index + 1)"
            let outcome: TrialOutcome
            do {
                outcome = try decoder.decode(TrialOutcome.self, from: record, source: place)
            } catch {
                skipped.append((place, "is not a trial record: \(error.problem)"))
                continue
            }
            guard seen.insert(outcome.trial).inserted else {
                skipped.append(("\(RunFiles.journal): trial \(outcome.trial)", "is recorded twice; the first record is used"))
                continue
            }
            outcomes.append(outcome)
        }
        let durations = TrialTiming.durations(try TrialTiming.read(directory: FilePath(directory)))
        return RunSummary(directory: directory, settings: settings, status: runFile.status,
                          outcomes: outcomes.sorted { $0.trial < $1.trial }, skipped: skipped, tornTail: contents.tornTail,
                          durations: durations, unreadableTrialFiles: unreadableTrialFiles(directory: directory, outcomes: outcomes,
                                                                                          decoder: decoder))
    }

    /// The `trial.json` files of `directory`'s trial directories that are not readable records of
    /// their trial. A trial directory without one (a run of an older version, or a trial still
    /// running) is not reported.
    static func unreadableTrialFiles(directory: String, outcomes: [TrialOutcome],
                                     decoder: JSONValueDecoder) -> [(place: String, problem: String)] {
        let trials = FilePath(directory).appending(RunFiles.trials)
        guard let names = FileIO.directoryEntries(trials) else { return [] }
        let journaled = Dictionary(outcomes.map { ($0.trial, $0) }, uniquingKeysWith: { first, _ in first })
        var unreadable: [(place: String, problem: String)] = []
        for name in names.sorted() where !FileIO.isTemporaryName(name) {
            let place = RunFiles.trials + "/" + name + "/" + RunFiles.trialRecord
            let path = trials.appending(name).appending(RunFiles.trialRecord)
            let bytes: [UInt8]
            do {
                guard let read = try FileIO.contents(of: path, followingLinks: false) else { continue }
                bytes = read
            } catch {
                unreadable.append((place, "cannot be read: \(error.problem)"))
                continue
            }
            let record: JSONValue
            do { record = try JSONReader.parse(bytes) } catch {
                unreadable.append((place, "is not valid JSON: \(error)"))
                continue
            }
            let outcome: TrialOutcome
            do { outcome = try decoder.decode(TrialOutcome.self, from: record, source: place) } catch {
                unreadable.append((place, "is not a trial record: \(error.problem)"))
                continue
            }
            if RunFiles.trialDirectory(outcome.trial) != RunFiles.trials + "/" + name {
                unreadable.append((place, "holds trial \(outcome.trial), not the trial of its directory"))
            } else if let journal = journaled[outcome.trial], (try? RunFileCoding.encoder.encode(journal).fileBytes) != bytes {
                unreadable.append((place, "differs from trial \(outcome.trial)'s record in \(RunFiles.journal)"))
            }
        }
        return unreadable
    }

    public var best: TrialOutcome? { SearchRun.best(of: outcomes) }

    /// Complete trials, best first (ties: older first).
    public var ranked: [TrialOutcome] {
        outcomes.filter { $0.state == .complete }.sorted { ($0.score ?? -.infinity, -$0.trial) > ($1.score ?? -.infinity, -$1.trial) }
    }

    /// A complete trial's sweep, checked against the length its record promises (``SweepContents``).
    func sweepContents(of outcome: TrialOutcome, file: String) throws(InputError) -> SweepContents {
        try Self.sweepContents(run: directory, of: outcome, file: file)
    }

    /// A complete trial's sweep in the run at `directory`, checked against its record's length.
    static func sweepContents(run directory: String, of outcome: TrialOutcome, file: String) throws(InputError) -> SweepContents {
        let sweep = ((directory as NSString).appendingPathComponent(file) as NSString).deletingLastPathComponent
        return try SweepContents(directory: sweep, promisedBytes: outcome.survivorBytes ?? 0,
                                 promisedBy: "trial \(outcome.trial)'s record in \((directory as NSString).appendingPathComponent(RunFiles.journal))",
                                 readingLegacy: true)
    }

    /// The first `limit` bidirectional survivors of a trial, by seed.
    public func survivors(of outcome: TrialOutcome, limit: Int) throws -> [ListedSurvivor] {
        guard let file = outcome.survivorFile else { return [] }
        var listed: [ListedSurvivor] = []
        try sweepContents(of: outcome, file: file).forEach { record in
            if record.passed.contains(.bidirectional) { listed.append(ListedSurvivor(record, referenceMode: settings.referenceMode)) }
            return listed.count < limit
        }
        return listed
    }

    /// One trial for reports: parameters, counts, chance, score.
    public func trialJSON(_ outcome: TrialOutcome) throws(InputError) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("trial", .integer(outcome.trial)), ("state", .string(outcome.state.rawValue)), ("score", .number(outcome.score)),
            ("params", outcome.parameters.json),
        ]
        let encoder = RunFileCoding.encoder
        if let counts = outcome.counts { members.append(("counts", try encoder.encode(counts))) }
        if let chance = outcome.chance { members.append(("chance", try encoder.encode(chance))) }
        if let significance = outcome.significance { members.append(("significance", try encoder.encode(significance))) }
        if let reason = outcome.reason { members.append(("reason", .string(reason))) }
        if let seconds = durations[outcome.trial] { members.append(("seconds", .double(seconds))) }
        return .object(members)
    }

    /// Observed bidirectional survivors against chance, over the complete trials.
    public var chanceVersusObserved: JSONValue {
        let chance = self.chance
        return .object([
            ("trials", .integer(chance.trials)),
            ("observed_bidirectional", .integer(chance.observedBidirectional)),
            ("expected_bidirectional", .double(chance.expectedBidirectional)),
            ("trials_with_survivors", .integer(chance.trialsWithSurvivors)),
            ("trials_claiming_significance", .integer(chance.trialsClaimingSignificance)),
            ("level", .double(settings.level)),
            ("alpha", .double(settings.alpha)),
        ])
    }

    /// The summary as one JSON document.
    public func json(top: Int) throws -> JSONValue {
        let byState = TrialState.counts(in: outcomes).map { ($0.state.rawValue, JSONValue.integer($0.count)) }
        let encoder = RunFileCoding.encoder
        let running = max(0, settings.trials - outcomes.count)
        var bestJSON: JSONValue = .null
        if let best {
            let survivors = try self.survivors(of: best, limit: 100)
            bestJSON = try trialJSON(best)
                .setting("recovered", encoder.encode(best.strongest))
                .setting("survivors", encoder.encode(survivors))
                .setting("survivors_listed", .integer(survivors.count))
                .setting("survivors_total", .integer(best.counts?.bidirectional ?? 0))
        }
        return .object([
            ("directory", .string(directory)),
            ("status", .string(status)),
            ("total_trials", .integer(settings.trials)),
            ("finished_trials", .integer(outcomes.count)),
            ("remaining_trials", .integer(running)),
            ("trials_by_state", .object(byState)),
            ("objective", .string(settings.objective.description)),
            ("prng", .string(settings.prng)),
            ("seeds", .string(settings.seeds.description)),
            ("best", bestJSON),
            ("top", .array(try ranked.prefix(top).map { outcome throws(InputError) in try trialJSON(outcome) })),
            ("chance_vs_observed", chanceVersusObserved),
            ("skipped_records", .array(skipped.map { .object([("place", .string($0.place)), ("problem", .string($0.problem))]) })),
            ("unreadable_trial_files", .array(unreadableTrialFiles.map {
                .object([("place", .string($0.place)), ("problem", .string($0.problem))])
            })),
            ("torn_last_record", .bool(tornTail)),
        ])
    }
}
