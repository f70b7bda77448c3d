import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization
import _OptimizeSupport

/// One connection to the study database, used synchronously, that survives the server going away.
///
/// Every operation runs as a transaction through ``transaction(_:)``. When the connection is lost
/// (the server restarted, the network dropped), the transaction is rolled back by the server and
/// run again on a new connection, after 0.5 s, 1 s, 2 s … (at most 10 s apart) for up to
/// ``retrySeconds``; so each operation must be safe to run twice, and the store's are (a tell
/// whose commit was lost is found done, by the same worker, on the retry).
///
/// The first connection is not retried: a wrong URL, password or host is reported at once, each
/// with its own kind (`databaseUnreachable`, `databaseAuthentication`, `databaseRefused`).
///
/// ```swift
/// let database = try DatabaseConnection(url: url)
/// let count = try database.transaction { session in
///     try session.query("SELECT count(*) FROM optimize_trials").rows.first?.decode(Int.self) ?? 0
/// }
/// ```
public final class DatabaseConnection: @unchecked Sendable {
    public let url: StorageURL
    /// How long an operation keeps retrying a lost connection before `databaseUnreachable`.
    public var retrySeconds: Double
    /// Seconds a statement may take before the connection is taken for lost: a server that went
    /// away without closing the connection (a machine or network gone), or a driver that never
    /// completes a statement on a dead connection, must not stall a worker for ever. A heartbeat's
    /// connection uses a quarter lease, so that a dead connection is replaced within the lease.
    public var statementSeconds: Double = 30
    /// Called before each retry, with the error and the wait: workers log it.
    public var onRetry: (@Sendable (String, Double) -> Void)?

    private var connection: PostgresConnection?
    /// Whether the first connection was made: after it, a failed connect is retried.
    private var reconnecting = false
    private let logger: Logger
    private let lock = NSLock()
    /// Connection numbers for the driver's logs.
    private static let connectionIDs = Atomic<Int>(0)

    /// Connects to `url`.
    ///
    /// - Parameter retrySeconds: how long later operations retry a lost connection.
    /// - Throws: ``InputError``: `databaseUnreachable`, `databaseAuthentication` or `databaseRefused`.
    public init(url: StorageURL, retrySeconds: Double = 300) throws(InputError) {
        self.url = url
        self.retrySeconds = retrySeconds
        var logger = Logger(label: "optimize.database")
        logger.logLevel = .critical
        self.logger = logger
        do {
            connection = try connect()
        } catch let error as InputError {
            throw error
        } catch {
            throw InputError(.databaseUnreachable, source: url.description, problem: "\(error)", fix: "check the URL and the server")
        }
        reconnecting = true
    }

    deinit {
        if let connection { Self.drop(connection) }
    }

    /// Closes the connection (operations afterwards reconnect).
    public func close() {
        lock.lock(); defer { lock.unlock() }
        if let connection { Self.drop(connection) }
        connection = nil
    }

    private func connect() throws -> PostgresConnection {
        var configuration = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.user, password: url.password, database: url.database, tls: .disable)
        configuration.options.connectTimeout = .seconds(Int64(url.connectTimeout))
        let future = PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration,
            id: Self.connectionIDs.wrappingAdd(1, ordering: .relaxed).newValue, logger: logger)
        do {
            return try future.wait()
        } catch {
            switch classify(error, connecting: connection == nil && !reconnecting) {
            case .final(let failure): throw failure
            case .transient(let problem): throw TransientFailure(problem: problem)
            }
        }
    }

    /// Closes a connection without waiting (a dead one may be slow to confirm); the connection
    /// is kept until it is closed, as the driver requires.
    static func drop(_ connection: PostgresConnection) {
        guard !connection.isClosed else { return }
        let future: EventLoopFuture<Void> = connection.close()
        future.whenComplete { _ in withExtendedLifetime(connection) {} }
    }

    /// The statements of one transaction.
    public struct Session {
        let connection: PostgresConnection
        let logger: Logger

        /// Seconds a statement may take before the connection is taken for lost (``DatabaseConnection/statementSeconds``).
        let statementTimeout: Double

        /// Runs one statement and collects its rows.
        @discardableResult
        public func query(_ query: PostgresQuery) throws -> PostgresQueryResult {
            let done = DispatchSemaphore(value: 0)
            let result = ResultBox()
            connection.query(query, logger: logger).whenComplete { outcome in
                result.set(outcome)
                done.signal()
            }
            guard done.wait(timeout: .now() + statementTimeout) == .success else {
                DatabaseConnection.drop(connection)
                throw TransientFailure(problem: "no answer to a statement in \(statementTimeout) s")
            }
            return try result.get()
        }
    }

    /// A statement's result, handed from the event loop to the waiting thread.
    final class ResultBox: @unchecked Sendable {
        private var outcome: Result<PostgresQueryResult, any Error>?
        private let lock = NSLock()
        func set(_ value: Result<PostgresQueryResult, any Error>) {
            lock.lock(); defer { lock.unlock() }
            outcome = value
        }
        func get() throws -> PostgresQueryResult {
            lock.lock(); defer { lock.unlock() }
            return try outcome!.get()
        }
    }

    /// Runs `body` in one transaction (`BEGIN` … `COMMIT`), retrying it on a new connection when
    /// the connection is lost or the server asks for a retry (a serialization failure, a deadlock).
    ///
    /// - Throws: what `body` throws as an ``InputError`` (after a rollback, without a retry); or
    ///   the database's own kinds when the server refuses, or stays away past ``retrySeconds``.
    public func transaction<T>(_ body: (Session) throws -> T) throws(InputError) -> T {
        lock.lock(); defer { lock.unlock() }
        let started = Date()
        var wait = 0.5
        while true {
            let failure: Failure
            do {
                if let open = connection, open.isClosed { connection = nil }
                let current = try connection ?? connect()
                connection = current
                let session = Session(connection: current, logger: logger, statementTimeout: statementSeconds)
                do {
                    try session.query("BEGIN")
                    let result = try body(session)
                    try session.query("COMMIT")
                    return result
                } catch {
                    _ = try? session.query("ROLLBACK")
                    throw error
                }
            } catch let error as InputError {
                throw error
            } catch {
                failure = classify(error, connecting: false)
            }
            guard case .transient(let problem) = failure else {
                if case .final(let error) = failure { throw error }
                fatalError("unreachable")
            }
            if let connection { Self.drop(connection) }
            connection = nil
            guard Date().timeIntervalSince(started) + wait <= retrySeconds else {
                throw InputError(.databaseUnreachable, source: url.description,
                                 problem: "the connection was lost and not regained in \(Int(retrySeconds)) s (\(problem))",
                                 fix: "start the database server again, then rerun the command: the work done so far is in the database")
            }
            onRetry?(problem, wait)
            Thread.sleep(forTimeInterval: wait)
            wait = min(wait * 2, 10)
        }
    }

    /// What went wrong with the server: worth another try on a new connection, or not.
    enum Failure {
        case transient(String)
        case final(InputError)
    }

    /// Shutting down, starting up, connection failures, or the server asking for a retry.
    /// Too many connections (53300), too, once a worker has connected: others' readers come and go.
    static let transientStates: Set<String> = ["57P01", "57P02", "57P03", "40001", "40P01", "08000", "08003", "08006", "53300"]

    /// What an error of the driver or the network means. While connecting for the first time,
    /// nothing is transient: a wrong host or password is reported at once.
    func classify(_ error: any Error, connecting: Bool) -> Failure {
        if let error = error as? InputError { return .final(error) }
        if let error = error as? TransientFailure { return .transient(error.problem) }
        let server = url.description
        if let psql = error as? PSQLError {
            switch psql.code {
            case .server:
                let state = psql.serverInfo?[.sqlState] ?? ""
                let message = psql.serverInfo?[.message] ?? "an error"
                switch state {
                case "28P01", "28000":
                    return .final(InputError(.databaseAuthentication, source: server,
                                             problem: "the server refused user \(url.user): \(message)",
                                             fix: "give the right user and password in the URL (or PGPASSWORD)"))
                case let state where Self.transientStates.contains(state) && !connecting:
                    // Shutting down, starting up, or asking for a retry.
                    return .transient(message)
                case "57P03":
                    return .final(InputError(.databaseUnreachable, source: server, problem: "the server is starting up or shutting down: \(message)",
                                             fix: "wait for it to be up, then run the command again"))
                case "3D000":
                    return .final(InputError(.databaseRefused, source: server,
                                             problem: "the server has no database \(url.database): \(message)",
                                             fix: "create it (`createdb \(url.database)`) or name an existing one in the URL"))
                default:
                    return .final(InputError(.databaseRefused, source: server,
                                             problem: "the server refused the request (SQLSTATE \(state)): \(message)",
                                             fix: "check that user \(url.user) may use database \(url.database), and that it holds optimize's tables"))
                }
            case .authMechanismRequiresPassword, .unsupportedAuthMechanism, .saslError:
                return .final(InputError(.databaseAuthentication, source: server,
                                         problem: "the server wants a password for user \(url.user) that the URL does not give, or refused it",
                                         fix: "give USER:PASSWORD@ in the URL, or set PGPASSWORD"))
            default:
                break
            }
        }
        // The server's answers that cannot be decoded are not optimize's tables: retrying will not help.
        if let decoding = error as? PostgresDecodingError {
            return .final(InputError(.databaseRefused, source: server, problem: "its tables do not hold what optimize writes (\(decoding.code))",
                                     fix: "give a database whose optimize_* tables optimize made, or an empty one"))
        }
        if !connecting { return .transient(Self.describe(error)) }
        return .final(InputError(.databaseUnreachable, source: server,
                                 problem: "no database server answered (\(Self.describe(error)))",
                                 fix: "check the host and port in the URL, and that the server is running and accepts TCP connections"))
    }

    private static func describe(_ error: any Error) -> String {
        if let psql = error as? PSQLError {
            if let underlying = psql.underlying { return "\(underlying)" }
            return "\(psql.code)"
        }
        return "\(error)"
    }
}

/// A reconnection that failed in a way worth retrying.
struct TransientFailure: Error {
    let problem: String
}
