import Foundation
import Synchronization
import Testing
import _PostgresTestServer
@testable import StudyDatabase

/// The study store on a real PostgreSQL server (``PostgresTestServer``).
@Suite("DatabaseStudyStore on PostgreSQL", .serialized)
struct DatabaseStudyStoreTests {
    static let space = try! SearchSpace([
        .init(name: "x", domain: .float(low: -5, high: 10, log: false, step: nil)),
        .init(name: "n", domain: .integer(low: 1, high: 64, log: true, step: 1)),
        .init(name: "kind", domain: .categorical([.string("a"), .string("b")])),
    ])
    static let definition = StudyDefinition(space: space, direction: .minimize, seed: 11)

    static func objective(_ p: [String: ParameterValue]) -> Double {
        guard case .float(let x)? = p["x"], case .integer(let n)? = p["n"] else { return 0 }
        return (x - 2) * (x - 2) + Double(n % 7) + (p["kind"] == .categorical(.string("a")) ? 0 : 1)
    }

    func connect() throws -> DatabaseConnection {
        try DatabaseConnection(url: try StorageURL.parse(try PostgresTestServer.database(), source: "test"))
    }

    @Test("one worker asking and telling gets exactly the file store's proposals, trial after trial")
    func sameAsFileStore() throws {
        let database = try connect()
        let store = try DatabaseStudyStore.create(database: database, name: "same", definition: Self.definition).store
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("db-same-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = try StudyStore.create(at: directory, definition: Self.definition)
        let worker = WorkerIdentity()
        for _ in 0..<24 {  // past the 10 startup trials, into the TPE proper
            guard case .trial(let trial, false, false) = try store.ask(worker: worker, lease: 60) else {
                Issue.record("no trial handed out"); return
            }
            let expected = try file.ask()
            #expect(trial.number == expected.number)
            #expect(trial.parameters == expected.parameters, "trial \(trial.number)")
            try store.tell(trial: trial.number, value: Self.objective(trial.parameters), worker: worker)
            try file.tell(trial: expected.number, value: Self.objective(expected.parameters))
        }
        let snapshot = try store.snapshot()
        #expect(snapshot.trials.count == 24 && snapshot.trials.allSatisfy { $0.state.isFinished })
        #expect(snapshot.best?.number == (try file.snapshot()).best?.number)
    }

    @Test("concurrent askers on separate connections never get the same trial")
    func exactlyOnce() throws {
        let url = try PostgresTestServer.database()
        let setup = try DatabaseConnection(url: try StorageURL.parse(url, source: "test"))
        _ = try DatabaseStudyStore.create(database: setup, name: "once", definition: Self.definition)
        let numbers = Mutex<[Int]>([])
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            do {
                let store = try DatabaseStudyStore(opening: "once", database: try DatabaseConnection(url: try StorageURL.parse(url, source: "test")))
                let worker = WorkerIdentity()
                for _ in 0..<10 {
                    guard case .trial(let trial, _, _) = try store.ask(worker: worker, lease: 60, limit: 30) else { continue }
                    numbers.withLock { $0.append(trial.number) }
                    try store.tell(trial: trial.number, value: 1, worker: worker)
                }
            } catch { failures.withLock { $0.append("\(error)") } }
        }
        #expect(failures.withLock { $0 } == [])
        #expect(numbers.withLock { $0.sorted() } == Array(0..<30))
    }

    @Test("a trial whose lease ran out is handed out again, once, and only its new holder's result counts")
    func leaseExpiry() throws {
        let database = try connect()
        let store = try DatabaseStudyStore.create(database: database, name: "lease", definition: Self.definition).store
        let first = WorkerIdentity(tag: "first"), second = WorkerIdentity(tag: "second")
        guard case .trial(let trial, _, _) = try store.ask(worker: first, lease: 0.5, limit: 1) else { Issue.record("no trial"); return }
        #expect(try store.heartbeat(trial: trial.number, worker: first, lease: 0.5))
        guard case .wait = try store.ask(worker: second, lease: 60, limit: 1) else { Issue.record("a live lease was handed out"); return }
        Thread.sleep(forTimeInterval: 1.0)
        guard case .trial(let again, true, false) = try store.ask(worker: second, lease: 60, limit: 1) else {
            Issue.record("the expired trial was not re-handed"); return
        }
        #expect(again.number == trial.number && again.parameters == trial.parameters && again.attempts == 2)
        #expect(try store.heartbeat(trial: trial.number, worker: first, lease: 60) == false)
        #expect(throws: InputError.self) { try store.tell(trial: trial.number, value: 5, worker: first) }
        do { try store.tell(trial: trial.number, value: 5, worker: first) } catch { #expect(error.kind == .leaseLost) }
        try store.tell(trial: trial.number, value: 3, worker: second)
        try store.tell(trial: trial.number, value: 3, worker: second)  // a retry after a lost reply: accepted, not counted twice
        do { try store.tell(trial: trial.number, value: 4, worker: second); Issue.record("told twice") } catch { #expect(error.kind == .finishedTrial) }
        // The first worker, back after its lease ran out, finds the trial finished by the other: its lease was lost.
        do { try store.tell(trial: trial.number, value: 5, worker: first); Issue.record("a lost lease told") } catch { #expect(error.kind == .leaseLost) }
        guard case .finished = try store.ask(worker: first, lease: 60, limit: 1) else { Issue.record("not finished"); return }
        let rows = try store.rows()
        #expect(rows.count == 1 && rows[0].trial.value == 3 && rows[0].worker == second.name)
        let events = try store.events().map { "\($0.event) \($0.worker ?? "")" }
        #expect(events == ["asked \(first.name)", "rehanded \(second.name)", "complete \(second.name)"])
    }

    @Test("a study of the name is joined only with the same definition")
    func createAndJoin() throws {
        let database = try connect()
        let settings = JSONValue.object([("trials", .integer(5))])
        #expect(try DatabaseStudyStore.create(database: database, name: "j", definition: Self.definition, attributes: settings).created)
        #expect(try DatabaseStudyStore.create(database: database, name: "j", definition: Self.definition, attributes: settings, join: true).created == false)
        for (definition, attributes) in [(StudyDefinition(space: Self.space, direction: .minimize, seed: 12), settings),
                                         (StudyDefinition(space: Self.space, direction: .maximize, seed: 11), settings)] {
            do {
                _ = try DatabaseStudyStore.create(database: database, name: "j", definition: definition, attributes: attributes, join: true)
                Issue.record("joined a study with other settings")
            } catch { #expect(error.kind == .studyExists) }
        }
        do { _ = try DatabaseStudyStore(opening: "nothing", database: database); Issue.record("opened a missing study") } catch {
            #expect(error.kind == .unknownStudy)
        }
    }

    @Test("a newer schema is refused, an older one needs `migrate`, and migrating twice changes nothing")
    func schemaVersions() throws {
        let database = try connect()
        #expect(try DatabaseSchema.migrate(database, upgrade: false) == (0, DatabaseSchema.version))
        #expect(try DatabaseSchema.migrate(database, upgrade: true) == (DatabaseSchema.version, DatabaseSchema.version))
        try database.transaction { session in try session.query("UPDATE optimize_schema SET version = 99") }
        do { try DatabaseSchema.migrate(database, upgrade: true); Issue.record("a newer schema was accepted") } catch {
            #expect(error.kind == .databaseRefused && error.problem.contains("99"))
        }
    }

    @Test("a bad URL, a wrong password, a missing database and an unreachable server are each named")
    func connectionErrors() throws {
        let good = try StorageURL.parse(try PostgresTestServer.database(), source: "test")
        for text in ["mysql://u@h/d", "postgresql://h/d", "postgresql://u@h", "postgresql://u@h/d?sslmode=require", "not a url"] {
            do { _ = try StorageURL.parse(text, source: "--storage"); Issue.record("accepted \(text)") } catch {
                #expect(error.kind == .invalidStorageURL && error.source == "--storage")
            }
        }
        // A password is never shown, even in a URL that does not parse.
        for text in ["postgresql://u:pa/ss@h/db", "postgresql://u:12/x@h/db", "mysql://u:pa#ss@h/db"] {
            do { _ = try StorageURL.parse(text, source: "--storage"); Issue.record("accepted \(text)") } catch {
                #expect(!error.description.contains("pa/ss") && !error.description.contains("12/x") && !error.description.contains("pa#ss"),
                        "\(error)")
            }
        }
        var wrong = good
        wrong.password = "not-the-password"
        do { _ = try DatabaseConnection(url: wrong); Issue.record("connected with a wrong password") } catch {
            #expect(error.kind == .databaseAuthentication)
        }
        var missing = good
        missing.database = "no_such_database"
        do { _ = try DatabaseConnection(url: missing); Issue.record("connected to a missing database") } catch {
            #expect(error.kind == .databaseRefused)
        }
        var closed = good
        closed.port = 9  // discard: nothing listens there
        do { _ = try DatabaseConnection(url: closed); Issue.record("connected to a closed port") } catch {
            #expect(error.kind == .databaseUnreachable)
        }
    }
}
