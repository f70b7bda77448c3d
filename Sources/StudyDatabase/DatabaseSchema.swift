import PostgresNIO
import _OptimizeSupport

/// The tables of the study database, and their migrations.
///
/// `optimize_schema` holds one row: the schema's version. Each version's statements are applied in
/// one transaction under an advisory lock, so that two workers starting together migrate once.
/// A database without optimize's tables gets them on first use; an older schema is upgraded only
/// by `optimize migrate --storage URL` (a worker of an older optimize may still be using it);
/// a newer one is refused.
///
/// Version 1:
/// - `optimize_studies`: one row per study: its name, its definition (as `study.json` holds it),
///   its attributes (a search's settings, as `run.json` holds them), and when it was made.
/// - `optimize_trials`: one row per trial: its parameters, state and value; the worker holding it
///   and its lease's end (the server's clock); how many times it was handed out; its record (a
///   search's trial record) and a small attachment (a search's survivors, when small); and, while
///   it runs, its progress as its worker's last heartbeat reported it (a search's seeds swept).
/// - `optimize_trial_events`: every hand-out, re-hand-out and finish, with the worker: the audit
///   trail of which machine did what.
public enum DatabaseSchema {
    /// The version this optimize reads and writes.
    public static let version = 1

    /// The statements that bring version n to n + 1, by n.
    static let migrations: [[String]] = [
        [
            """
            CREATE TABLE optimize_schema (
                singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
                version integer NOT NULL,
                migrated timestamptz NOT NULL DEFAULT now())
            """,
            "INSERT INTO optimize_schema (version) VALUES (0)",
            """
            CREATE TABLE optimize_studies (
                name text PRIMARY KEY,
                definition text NOT NULL,
                attributes text NOT NULL,
                created timestamptz NOT NULL DEFAULT now())
            """,
            """
            CREATE TABLE optimize_trials (
                study text NOT NULL REFERENCES optimize_studies (name) ON DELETE CASCADE,
                number integer NOT NULL CHECK (number >= 0),
                parameters text NOT NULL,
                state text NOT NULL CHECK (state IN ('running', 'complete', 'failed', 'pruned')),
                value double precision,
                step integer,
                worker text,
                host text,
                pid integer,
                lease_expires timestamptz,
                attempts integer NOT NULL DEFAULT 1,
                asked timestamptz NOT NULL DEFAULT now(),
                finished timestamptz,
                record text,
                attachment bytea,
                progress text,
                PRIMARY KEY (study, number))
            """,
            "CREATE INDEX optimize_trials_running ON optimize_trials (study, lease_expires) WHERE state = 'running'",
            """
            CREATE TABLE optimize_trial_events (
                id bigserial PRIMARY KEY,
                study text NOT NULL REFERENCES optimize_studies (name) ON DELETE CASCADE,
                number integer NOT NULL,
                event text NOT NULL,
                worker text,
                detail text,
                time timestamptz NOT NULL DEFAULT now())
            """,
        ],
    ]

    /// The schema's version in the database: 0 when it has none of optimize's tables.
    public static func installedVersion(_ session: DatabaseConnection.Session) throws -> Int {
        let exists = try session.query("SELECT to_regclass('optimize_schema') IS NOT NULL").rows.first?.decode(Bool.self) ?? false
        guard exists else { return 0 }
        return try session.query("SELECT version FROM optimize_schema").rows.first?.decode(Int.self) ?? 0
    }

    /// Brings the database's tables to ``version``.
    ///
    /// - Parameter upgrade: whether an existing older schema may be upgraded (`optimize migrate`);
    ///   without it only a database with none of the tables gets them.
    /// - Returns: the versions before and after.
    /// - Throws: ``InputError``: `needsMigration` for an older schema without `upgrade`;
    ///   `databaseRefused` for a newer one.
    @discardableResult
    public static func migrate(_ database: DatabaseConnection, upgrade: Bool) throws(InputError) -> (from: Int, to: Int) {
        try database.transaction { session in
            // One migration at a time, however many workers start together.
            try session.query("SELECT pg_advisory_xact_lock(\(advisoryLock))")
            let installed = try installedVersion(session)
            if installed > version {
                throw InputError(.databaseRefused, source: database.url.description,
                                 problem: "its tables are schema version \(installed), made by a newer optimize (this one knows \(version))",
                                 fix: "use the optimize that made them, or a newer one")
            }
            if installed > 0, installed < version, !upgrade {
                throw InputError(.needsMigration, source: database.url.description,
                                 problem: "its tables are schema version \(installed); this optimize uses \(version)",
                                 fix: "stop the workers, then run `optimize migrate --storage URL` once")
            }
            for step in installed..<version {
                for statement in migrations[step] { try session.query(PostgresQuery(unsafeSQL: statement)) }
                try session.query("UPDATE optimize_schema SET version = \(step + 1), migrated = now()")
            }
            return (installed, version)
        }
    }

    /// The advisory lock that orders migrations (an arbitrary constant: "optimize" in ASCII, folded).
    static let advisoryLock: Int = 0x6F70_7469_6D69
}
