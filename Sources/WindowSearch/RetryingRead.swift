import Foundation
import Sieve

/// The one way a watcher reads a run's files: each read is tried up to ``attempts`` times,
/// ``pause`` seconds apart, before its error is reported.
///
/// A run replaces `progress.json`, `best.json` and `run.json` while it is watched; the tool always
/// replaces atomically (a reader sees the old file or the new one, never half of one), but a file
/// copied in by hand, a network file system or a reader between a journal's append and its
/// flush can show a moment's inconsistency that the next read does not. A monitor that reads every
/// two seconds must never show that as damage; damage that stays is reported (after 0.4 s).
public enum RetryingRead {
    /// Reads of a file before its error counts.
    public static let attempts = 3
    /// Seconds between them.
    public static let pause = 0.2

    /// The result of `body`, tried up to ``attempts`` times. An error that no retry can change
    /// (`needsMigration`: files of an older version) is thrown at once.
    public static func attempt<Value>(_ body: () throws(InputError) -> Value) throws(InputError) -> Value {
        var attempt = 1
        while true {
            do {
                return try body()
            } catch {
                if attempt >= attempts || error.kind == .needsMigration { throw error }
                attempt += 1
                Thread.sleep(forTimeInterval: pause)
            }
        }
    }

    /// The JSON of the file at `path`, or `nil` when there is none; read with ``attempt(_:)``, not
    /// following a symlink.
    ///
    /// - Throws: ``InputError`` `damagedOutputDirectory` naming `file` when it stays unreadable or
    ///   invalid JSON.
    public static func json(_ path: FilePath, file: String) throws(InputError) -> JSONValue? {
        try attempt { () throws(InputError) -> JSONValue? in
            guard let bytes = try FileIO.contents(of: path, followingLinks: false) else { return nil }
            do { return try JSONReader.parse(bytes) } catch {
                throw InputError(.damagedOutputDirectory, source: file, problem: "is not valid JSON (\(error))",
                                 fix: "resume the run: it rewrites the file")
            }
        }
    }
}
