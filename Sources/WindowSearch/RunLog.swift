import Foundation
import Sieve

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A log file that rotates: `search.log` grows to a limit, then becomes `search.log.1` (and the
/// older ones move up, the oldest dropped).
///
/// Never written through a symlink: the log is opened with O_NOFOLLOW, and rotation renames
/// directory entries (a symlink planted at a log's name is moved as the link, never followed).
public final class RunLog {
    public let path: String
    /// The size in bytes past which the log rotates.
    public let limit: Int
    /// How many files the log keeps, itself included (`keep - 1` rotated backups).
    public let keep: Int

    init(directory: String, limit: Int = 1 << 20, keep: Int = 3) {
        path = (directory as NSString).appendingPathComponent(RunFiles.log)
        self.limit = limit
        self.keep = keep
    }

    /// A log at `path` that rotates past `limit` bytes, keeping `backups` rotated files
    /// (`NAME.1` … `NAME.backups`) besides itself.
    public init(path: String, limit: Int, backups: Int) {
        self.path = path
        self.limit = limit
        self.keep = backups + 1
    }

    /// Opens (creating) the log once, so that a log that cannot be written (a symlink planted at
    /// its name) stops the run with an error naming it rather than losing every line.
    public func check() throws(InputError) {
        let descriptor = try FileIO.openForWriting(FilePath(path), append: true, create: true)
        try? descriptor.close()
    }

    /// Appends `message` as a line (time, process id, message) and returns the line.
    @discardableResult
    public func write(_ message: String) -> String {
        let line = Timestamp.now() + " [\(getpid())] " + message + "\n"
        var info = stat()
        if lstat(path, &info) == 0, UInt64(info.st_size) + UInt64(line.utf8.count) > UInt64(limit) {
            for index in stride(from: keep - 1, through: 1, by: -1) {
                let from = index == 1 ? path : "\(path).\(index - 1)"
                // rename(2) replaces the older file and moves a link as a link: nothing is followed.
                _ = rename(from, "\(path).\(index)")
            }
        }
        Self.append([line], to: path)
        return line
    }

    /// Appends `lines` to the file at `path` as the log appends (O_APPEND, never through a symlink,
    /// under the run's lock), creating it; a failure loses the lines, never the run.
    static func append(_ lines: [String], to path: String) {
        guard let descriptor = try? FileIO.openForWriting(FilePath(path), append: true, create: true) else { return }
        try? FileIO.writeAll(Array(lines.joined().utf8), to: descriptor, path: FilePath(path))
        try? descriptor.close()
    }
}
