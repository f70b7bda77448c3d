import Foundation
import PostgresNIO
import Study
import _OptimizeSupport

/// A study in a PostgreSQL database, shared by workers on any number of machines.
///
/// The database's tables (``DatabaseSchema``) hold the study's definition and every trial. Each
/// operation is one transaction:
///
/// - ``ask(worker:lease:limit:)`` hands each trial to exactly one worker: first a running trial
///   whose lease ran out (its worker stopped heart-beating; taken with `FOR UPDATE SKIP LOCKED`,
///   counted as another attempt and recorded as re-handed), else a new trial, numbered under a
///   row lock on the study, with the parameters the sampler proposes from every trial so far, the
///   running ones as the constant liar sees them (``Study/TPESampler/propose(trial:space:direction:history:pending:)``).
/// - ``heartbeat(trial:worker:lease:)`` extends a lease; it fails once the trial was re-handed.
/// - ``tell(trial:value:worker:record:attachment:)``, ``fail(trial:worker:record:)`` and
///   ``prune(trial:worker:record:)`` finish a running trial, only for the worker holding it; a
///   repeat of the same finish by the same worker (its reply was lost) is found done and accepted,
///   so no trial is ever told twice.
///
/// Leases run on the server's clock, so machines need not agree on the time.
///
/// ```swift
/// let database = try DatabaseConnection(url: try StorageURL.parse(text, source: "--storage"))
/// let store = try DatabaseStudyStore.create(database: database, name: "w", definition: definition)
/// if case .trial(let trial, _, _) = try store.ask(worker: WorkerIdentity(), lease: 60) {
///     try store.tell(trial: trial.number, value: objective(trial.parameters))
/// }
/// ```
public final class DatabaseStudyStore: @unchecked Sendable {
    public let database: DatabaseConnection
    public let name: String
    public let definition: StudyDefinition
    /// The study's attributes: a search's settings, or `{}`.
    public let attributes: JSONValue
    public let sampler: TPESampler

    /// Where messages say the study is: `URL#NAME`.
    public var source: String { "\(database.url)#\(name)" }

    /// Opens the study `name`.
    ///
    /// - Throws: ``InputError``: `unknownStudy`, or the database's kinds.
    public convenience init(opening name: String, database: DatabaseConnection) throws(InputError) {
        try Self.checkName(name)
        try DatabaseSchema.migrate(database, upgrade: false)
        try self.init(loading: name, database: database)
    }

    /// Reads the study `name` from a database whose schema is checked.
    private init(loading name: String, database: DatabaseConnection) throws(InputError) {
        let row = try database.transaction { session in
            try session.query("SELECT definition, attributes FROM optimize_studies WHERE name = \(name)").rows.first
                .map { try $0.decode((String, String).self) }
        }
        guard let (definitionText, attributesText) = row else {
            throw InputError(.unknownStudy, source: "\(database.url)#\(name)", problem: "the database holds no study or search of that name",
                             fix: "create it first (`optimize study new NAME --storage URL …` or `optimize search --storage URL --name NAME …`), or check the name")
        }
        let source = "\(database.url)#\(name): definition"
        let json: JSONValue
        do { json = try JSONReader.parse(Array(definitionText.utf8)) } catch {
            throw InputError(.databaseRefused, source: source, problem: "not valid JSON", fix: "restore the database from a backup")
        }
        let definition = try StudyDefinition(json: json, source: source)
        guard let configuration = TPESampler.Configuration.version(definition.samplerVersion) else {
            throw InputError(.invalidStudy, source: source, problem: "was made by sampler \(definition.samplerVersion), which this optimize does not know",
                             fix: "continue the study with the optimize that made it")
        }
        do { attributes = try JSONReader.parse(Array(attributesText.utf8)) } catch {
            throw InputError(.databaseRefused, source: "\(database.url)#\(name): attributes", problem: "not valid JSON",
                             fix: "restore the database from a backup")
        }
        self.database = database
        self.name = name
        self.definition = definition
        sampler = TPESampler(seed: definition.seed, configuration: configuration)
    }

    /// The same study through another connection (a heartbeat's, say).
    public func reopened(on database: DatabaseConnection) -> DatabaseStudyStore {
        DatabaseStudyStore(database: database, name: name, definition: definition, attributes: attributes, sampler: sampler)
    }

    private init(database: DatabaseConnection, name: String, definition: StudyDefinition, attributes: JSONValue, sampler: TPESampler) {
        self.database = database
        self.name = name
        self.definition = definition
        self.attributes = attributes
        self.sampler = sampler
    }

    /// Creates the study `name`, or, with `join`, opens it when it exists with the same
    /// definition (its attributes are the caller's to compare).
    ///
    /// - Returns: the store, and whether it was created.
    /// - Throws: ``InputError``: `studyExists` when it exists (and `join` is off, or it differs:
    ///   the problem names what differs); the database's kinds.
    public static func create(database: DatabaseConnection, name: String, definition: StudyDefinition,
                              attributes: JSONValue = .object([]), join: Bool = false) throws(InputError) -> (store: DatabaseStudyStore, created: Bool) {
        try checkName(name)
        try DatabaseSchema.migrate(database, upgrade: false)
        let created = try database.transaction { session in
            let inserted = try session.query("""
                INSERT INTO optimize_studies (name, definition, attributes) VALUES (\(name), \(definition.json.text), \(attributes.text))
                ON CONFLICT (name) DO NOTHING
                """).metadata.rows ?? 0
            return inserted == 1
        }
        let store = try DatabaseStudyStore(loading: name, database: database)
        if !created {
            var differences: [String] = []
            if store.definition.space != definition.space { differences.append("search space") }
            if store.definition.direction != definition.direction { differences.append("direction") }
            if store.definition.seed != definition.seed { differences.append("seed") }
            if store.definition.samplerVersion != definition.samplerVersion { differences.append("sampler") }
            guard join, differences.isEmpty else {
                throw InputError(.studyExists, source: store.source,
                                 problem: differences.isEmpty ? "a study of that name already exists"
                                     : "a study of that name exists with another \(differences.joined(separator: ", "))",
                                 fix: join ? "repeat its exact options to join it (or `optimize worker --storage URL --name \(name)`), or choose another name"
                                     : "choose another name, or keep using the existing study")
            }
        }
        return (store, created)
    }

    /// Names are what shells and URLs carry unquoted: letters, digits, `.`, `_`, `-`.
    static func checkName(_ name: String) throws(InputError) {
        let allowed = name.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0)) }
        guard !name.isEmpty, name.count <= 200, allowed, name.first != "-" else {
            throw InputError(.invalidOption, source: "--name", problem: "'\(name)' is not a study name",
                             fix: "use 1 to 200 letters, digits, '.', '_' and '-', not starting with '-'")
        }
    }

    // MARK: - Reading

    /// One trial's row beyond its ``Study/TrialRecord``: who ran it and what it recorded.
    public struct TrialRow: Sendable {
        public var trial: TrialRecord
        public var worker: String?
        /// When the lease of a running trial ends (the server's clock), if it has one.
        public var leaseExpires: Date?
        /// Whether a running trial's lease ran out (its worker stopped heart-beating).
        public var leaseExpired: Bool
        /// Seconds since it was last handed out, on the server's clock.
        public var secondsSinceAsked: Double
        /// What the worker's last heartbeat reported of a running trial (a search's: seeds swept).
        public var progress: String?
        public var record: String?
        public var attachment: [UInt8]?
    }

    /// Every trial, by number; with `records`, their records too, and with `attachments`, their
    /// attachments (up to 4 MiB each: fetched only by the readers that write them out).
    public func rows(records: Bool = false, attachments: Bool = false) throws(InputError) -> [TrialRow] {
        try database.transaction { session in try trialRows(session, records: records, attachments: attachments) }
    }

    /// The columns ``trialRow(_:space:source:)`` decodes, in its order, with the record and the
    /// attachment selected or `NULL`.
    private static func trialColumns(records: Bool, attachments: Bool) -> String {
        """
        number, parameters, state, value, step, worker, host, pid, lease_expires, coalesce(lease_expires < now(), false),
        attempts, asked, finished, extract(epoch FROM now() - asked)::float8, progress,
        \(records ? "record" : "NULL::text"), \(attachments ? "attachment" : "NULL::bytea")
        """
    }

    /// The study's trials (all of them, or trial `number`), by number, within a transaction.
    private func trialRows(_ session: DatabaseConnection.Session, number: Int? = nil, records: Bool = false,
                           attachments: Bool = false) throws -> [TrialRow] {
        let columns = Self.trialColumns(records: records, attachments: attachments)
        let query = number.map { PostgresQuery(unsafeSQL: "SELECT \(columns) FROM optimize_trials WHERE study = $1 AND number = $2",
                                               binds: bindings(name, $0)) }
            ?? PostgresQuery(unsafeSQL: "SELECT \(columns) FROM optimize_trials WHERE study = $1 ORDER BY number", binds: bindings(name))
        return try session.query(query).rows.map { row in try Self.trialRow(row, space: definition.space, source: source) }
    }

    /// The study's trials, as the file store's snapshot holds them.
    public func snapshot() throws(InputError) -> StudyStore.Snapshot {
        StudyStore.Snapshot(definition: definition, trials: try rows().map(\.trial), droppedTornRecord: false)
    }

    /// The hand-outs, re-hand-outs and finishes, oldest first: `(trial, event, worker, detail, time)`.
    public func events() throws(InputError) -> [(trial: Int, event: String, worker: String?, detail: String?, time: Date)] {
        try database.transaction { session in
            try session.query("""
                SELECT number, event, worker, detail, time FROM optimize_trial_events WHERE study = \(name) ORDER BY id
                """).rows.map { row in
                let (number, event, worker, detail, time) = try row.decode((Int, String, String?, String?, Date).self)
                return (number, event, worker, detail, time)
            }
        }
    }

    static func trialRow(_ row: PostgresRow, space: SearchSpace, source: String) throws -> TrialRow {
        let (number, parametersText, stateName, value, step, worker, host, pid, leaseExpires, expired, attempts, asked, finished, age,
             progress, record, attachment)
            = try row.decode((Int, String, String, Double?, Int?, String?, String?, Int?, Date?, Bool, Int, Date, Date?, Double,
                              String?, String?, ByteBuffer?).self)
        let parameters = try decodeParameters(parametersText, space: space, source: "\(source): trial \(number)")
        let state: TrialRecord.State
        switch stateName {
        case "running": state = .running
        case "complete": state = .complete(value ?? .nan)
        case "failed": state = .failed
        default: state = .pruned(step: step, value: value)
        }
        let owner = host.map { TrialOwner(processID: Int32(truncatingIfNeeded: pid ?? 0), host: $0) }
        let trial = TrialRecord(number: number, parameters: parameters, state: state, askedAt: asked, finishedAt: finished,
                                owner: owner, attempts: attempts)
        return TrialRow(trial: trial, worker: worker, leaseExpires: leaseExpires, leaseExpired: state == .running && expired,
                        secondsSinceAsked: age, progress: progress, record: record, attachment: attachment.map { Array($0.readableBytesView) })
    }

    static func decodeParameters(_ text: String, space: SearchSpace, source: String) throws(InputError) -> [String: ParameterValue] {
        guard let json = try? JSONReader.parse(Array(text.utf8)), case .object(let members) = json else {
            throw InputError(.databaseRefused, source: source, problem: "its parameters are not a JSON object", fix: "restore the database from a backup")
        }
        var parameters: [String: ParameterValue] = [:]
        for (key, value) in members {
            guard let parsed = space.parameter(named: key)?.value(from: value) else {
                throw InputError(.databaseRefused, source: source, problem: "parameter \(key) = \(value.text) is outside the study's space",
                                 fix: "restore the database from a backup")
            }
            parameters[key] = parsed
        }
        return parameters
    }

    func encodeParameters(_ parameters: [String: ParameterValue]) -> String {
        JSONValue.object(definition.space.parameters.compactMap { parameter in
            parameters[parameter.name].map { (key: parameter.name, value: $0.json) }
        }).text
    }

    // MARK: - Ask

    /// Hands a trial to `worker`.
    ///
    /// - Parameters:
    ///   - worker: who will evaluate it.
    ///   - lease: seconds the worker holds it without a heartbeat; `nil` for no lease (the trial
    ///     is never handed out again: a program that asks and tells without heart-beating).
    ///   - limit: the study's number of trials, if it has one (a search's trial count): beyond it
    ///     only re-hand-outs are made.
    public func ask(worker: WorkerIdentity, lease: Double?, limit: Int? = nil) throws(InputError) -> TrialAssignment {
        let leaseText = lease.map { String(format: "%.3f seconds", $0) }
        return try database.transaction { session in
            // 1. This worker's own trial, asked before and never told (its reply was lost, or it restarted with the same name).
            if let row = try session.query("""
                SELECT number FROM optimize_trials
                WHERE study = \(name) AND state = 'running' AND worker = \(worker.name) ORDER BY number LIMIT 1
                """).rows.first {
                let number = try row.decode(Int.self)
                try session.query("""
                    UPDATE optimize_trials SET lease_expires = now() + \(leaseText)::interval WHERE study = \(name) AND number = \(number)
                    """)
                return .trial(try trial(number, session), rehanded: false, resumed: true)
            }
            // 2. A trial whose worker stopped heart-beating: another worker may hold its row right now.
            if let row = try session.query("""
                SELECT number, worker FROM optimize_trials
                WHERE study = \(name) AND state = 'running' AND lease_expires < now()
                ORDER BY number LIMIT 1 FOR UPDATE SKIP LOCKED
                """).rows.first {
                let (number, previous) = try row.decode((Int, String?).self)
                try session.query("""
                    UPDATE optimize_trials SET worker = \(worker.name), host = \(worker.owner.host), pid = \(Int(worker.owner.processID)),
                        lease_expires = now() + \(leaseText)::interval, attempts = attempts + 1, asked = now()
                    WHERE study = \(name) AND number = \(number)
                    """)
                try recordEvent(session, number, "rehanded", worker: worker.name, detail: "lease of \(previous ?? "an unknown worker") ran out")
                return .trial(try trial(number, session), rehanded: true, resumed: false)
            }
            // 3. A new trial, numbered under the study's row lock.
            try session.query("SELECT name FROM optimize_studies WHERE name = \(name) FOR UPDATE")
            let trials = try trialRows(session).map(\.trial)
            if let limit, trials.count >= limit {
                // Only a leased trial can come back to a worker; one asked without a lease is its asker's.
                let leased = try session.query("""
                    SELECT count(*) FROM optimize_trials WHERE study = \(name) AND state = 'running' AND lease_expires IS NOT NULL
                    """).rows.first?.decode(Int.self) ?? 0
                return leased > 0 ? .wait : .finished
            }
            let number = trials.count
            let parameters = sampler.propose(trial: number, space: definition.space, direction: definition.direction,
                                             history: trials, pending: trials.filter { $0.state == .running })
            try session.query("""
                INSERT INTO optimize_trials (study, number, parameters, state, worker, host, pid, lease_expires)
                VALUES (\(name), \(number), \(encodeParameters(parameters)), 'running', \(worker.name), \(worker.owner.host),
                        \(Int(worker.owner.processID)), now() + \(leaseText)::interval)
                """)
            try recordEvent(session, number, "asked", worker: worker.name, detail: nil)
            return .trial(try trial(number, session), rehanded: false, resumed: false)
        }
    }

    private func trial(_ number: Int, _ session: DatabaseConnection.Session) throws -> TrialRecord {
        guard let row = try trialRows(session, number: number).first else {
            throw InputError(.unknownTrial, source: "\(source): trial \(number)", problem: "no such trial", fix: "give a trial number the study handed out")
        }
        return row.trial
    }

    private func recordEvent(_ session: DatabaseConnection.Session, _ number: Int, _ event: String, worker: String?, detail: String?) throws {
        try session.query("""
            INSERT INTO optimize_trial_events (study, number, event, worker, detail) VALUES (\(name), \(number), \(event), \(worker), \(detail))
            """)
    }

    // MARK: - Heartbeat and finish

    /// Extends `worker`'s lease on a running trial by `lease` seconds from now, and records its
    /// `progress` when given.
    ///
    /// - Returns: `false` when the worker no longer holds the trial (it was re-handed or finished).
    public func heartbeat(trial number: Int, worker: WorkerIdentity, lease: Double, progress: String? = nil) throws(InputError) -> Bool {
        try database.transaction { session in
            let updated = try session.query("""
                UPDATE optimize_trials SET lease_expires = now() + \(String(format: "%.3f seconds", lease))::interval,
                    progress = coalesce(\(progress), progress)
                WHERE study = \(name) AND number = \(number) AND state = 'running' AND worker = \(worker.name)
                """).metadata.rows ?? 0
            return updated == 1
        }
    }

    /// Gives up `worker`'s lease on a running trial at once (the worker was asked to stop), so
    /// that the next worker to ask takes it without waiting for the lease to run out.
    public func release(trial number: Int, worker: WorkerIdentity) throws(InputError) {
        try database.transaction { session in
            let released = try session.query("""
                UPDATE optimize_trials SET lease_expires = now() - interval '1 second'
                WHERE study = \(name) AND number = \(number) AND state = 'running' AND worker = \(worker.name)
                """).metadata.rows ?? 0
            if released == 1 { try recordEvent(session, number, "released", worker: worker.name, detail: nil) }
        }
    }

    /// Records the value of a running trial.
    ///
    /// - Parameters:
    ///   - worker: the worker that holds it; `nil` for a program that tells without a lease.
    ///   - record: the trial's record (a search's trial record), kept with it.
    ///   - attachment: a small file kept with it (a search's survivors).
    /// - Throws: ``InputError``: `invalidOption` for a value that is not finite, `unknownTrial`,
    ///   `finishedTrial`, or `leaseLost` when another worker holds the trial now.
    public func tell(trial number: Int, value: Double, worker: WorkerIdentity? = nil, record: String? = nil,
                     attachment: [UInt8]? = nil) throws(InputError) {
        guard value.isFinite else {
            throw InputError(.invalidOption, source: "\(source): trial \(number)", problem: "the value \(value) is not a finite number",
                             fix: "tell a finite value, or mark the trial failed")
        }
        try finish(number, state: "complete", value: value, step: nil, worker: worker, record: record, attachment: attachment)
    }

    /// Marks a running trial failed: the sampler ignores it from then on.
    public func fail(trial number: Int, worker: WorkerIdentity? = nil, record: String? = nil) throws(InputError) {
        try finish(number, state: "failed", value: nil, step: nil, worker: worker, record: record, attachment: nil)
    }

    /// Marks a running trial pruned, with the step it reached and its last value.
    public func prune(trial number: Int, step: Int? = nil, value: Double? = nil, worker: WorkerIdentity? = nil,
                      record: String? = nil) throws(InputError) {
        try finish(number, state: "pruned", value: value.flatMap { $0.isFinite ? $0 : nil }, step: step, worker: worker,
                   record: record, attachment: nil)
    }

    private func finish(_ number: Int, state: String, value: Double?, step: Int?, worker: WorkerIdentity?,
                        record: String?, attachment: [UInt8]?) throws(InputError) {
        let place = "\(source): trial \(number)"
        let bytes = attachment.map { ByteBuffer(bytes: $0) }
        try database.transaction { session in
            guard let row = try session.query("""
                SELECT state, worker, value, record FROM optimize_trials WHERE study = \(name) AND number = \(number) FOR UPDATE
                """).rows.first else {
                throw InputError(.unknownTrial, source: place, problem: "the study never handed out that trial",
                                 fix: "give the number `optimize ask` printed")
            }
            let (current, holder, currentValue, currentRecord) = try row.decode((String, String?, Double?, String?).self)
            // Another worker holds it, or finished it: this worker's lease ran out meanwhile.
            if let worker, holder != worker.name {
                throw InputError(.leaseLost, source: place,
                                 problem: "it was handed to \(holder ?? "another worker") after \(worker.name)'s lease ran out",
                                 fix: "nothing: the other worker's result is the one recorded; keep heart-beating within the lease")
            }
            if current != "running" {
                // The same finish again: its first commit's reply was lost, and the transaction retried.
                if current == state, currentValue == value, currentRecord == record { return }
                throw InputError(.finishedTrial, source: place, problem: "it is already \(current)",
                                 fix: "tell each trial once; ask for a new trial to evaluate more")
            }
            try session.query("""
                UPDATE optimize_trials SET state = \(state), value = \(value), step = \(step), record = \(record),
                    attachment = \(bytes), finished = now(), lease_expires = NULL, progress = NULL
                WHERE study = \(name) AND number = \(number)
                """)
            try recordEvent(session, number, state, worker: worker?.name ?? holder, detail: nil)
        }
    }

    private func bindings(_ values: any PostgresDynamicTypeEncodable...) -> PostgresBindings {
        var binds = PostgresBindings()
        for value in values { binds.append(value) }
        return binds
    }
}
