import Foundation
import _OptimizeSupport

/// Where a study store lives: a PostgreSQL server, by URL.
///
/// `postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?connect_timeout=SECONDS]` (`postgres://` too).
/// A password left out of the URL is read from `PGPASSWORD`, as `psql` does. TLS is not used:
/// run the workers on a private network or through a tunnel (docs/several-machines.md).
///
/// ```swift
/// let url = try StorageURL.parse("postgresql://optimize@db.local/studies", source: "--storage")
/// // url.host == "db.local", url.port == 5432, url.database == "studies"
/// ```
public struct StorageURL: Sendable, Hashable, CustomStringConvertible {
    public var user: String
    public var password: String?
    public var host: String
    public var port: Int
    public var database: String
    /// Seconds to wait for a connection before calling the server unreachable.
    public var connectTimeout: Int

    /// The environment variable read when `--storage` is not given.
    public static let environmentVariable = "OPTIMIZE_STORAGE"

    /// The URL without its password: what messages and records show.
    public var description: String { "postgresql://\(user)@\(host):\(port)/\(database)" }

    /// Reads a storage URL.
    ///
    /// - Parameters:
    ///   - text: the URL.
    ///   - source: where it came from (`--storage`, `OPTIMIZE_STORAGE`), for the error.
    ///   - environment: where `PGPASSWORD` is looked up.
    /// - Throws: ``InputError`` (`invalidStorageURL`) naming the part at fault.
    public static func parse(_ text: String, source: String,
                             environment: [String: String] = ProcessInfo.processInfo.environment) throws(InputError) -> StorageURL {
        func fail(_ problem: String) -> InputError {
            InputError(.invalidStorageURL, source: source, problem: "'\(redacted(text))' \(problem)",
                       fix: "give a URL such as postgresql://USER:PASSWORD@HOST:5432/DATABASE")
        }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            throw fail("is not a URL")
        }
        guard scheme == "postgresql" || scheme == "postgres" else {
            throw fail("has the scheme '\(scheme)'; optimize's shared studies live in PostgreSQL only")
        }
        guard let host = components.host, !host.isEmpty else { throw fail("names no host") }
        guard let user = components.user, !user.isEmpty else { throw fail("names no user (USER@HOST)") }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else { throw fail("names no database (…/DATABASE)") }
        let port = components.port ?? 5432
        guard (1...65535).contains(port) else { throw fail("has the port \(port), outside 1...65535") }
        var timeout = 10
        for item in components.queryItems ?? [] {
            switch item.name {
            case "connect_timeout":
                guard let value = item.value.flatMap(Int.init), (1...3600).contains(value) else {
                    throw fail("has connect_timeout '\(item.value ?? "")', not a whole number of seconds in 1...3600")
                }
                timeout = value
            case "sslmode" where item.value == "disable":
                continue
            default:
                throw fail("has the option '\(item.name)', which optimize does not support (only connect_timeout and sslmode=disable)")
            }
        }
        let password = components.password ?? environment["PGPASSWORD"]
        return StorageURL(user: user, password: password, host: host, port: port, database: database, connectTimeout: timeout)
    }

    /// The URL given with `--storage`, or else `OPTIMIZE_STORAGE`; `nil` when neither is set (the
    /// file store).
    public static func resolve(option: String?, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(InputError) -> StorageURL?
    {
        if let option { return try parse(option, source: "--storage", environment: environment) }
        if let value = environment[environmentVariable], !value.isEmpty {
            return try parse(value, source: environmentVariable, environment: environment)
        }
        return nil
    }

    /// `text` with any password replaced, for messages: everything between the user's `:` and
    /// the last `@` of the authority, whether or not the rest parses (a password may hold `/`, `#`).
    static func redacted(_ text: String) -> String {
        guard let schemeEnd = text.range(of: "://"), let at = text.range(of: "@", options: .backwards),
              at.lowerBound > schemeEnd.upperBound else { return text }
        let userInfo = text[schemeEnd.upperBound..<at.lowerBound]
        guard let colon = userInfo.firstIndex(of: ":") else { return text }
        return String(text[..<text.index(after: colon)]) + "***" + String(text[at.lowerBound...])
    }
}
