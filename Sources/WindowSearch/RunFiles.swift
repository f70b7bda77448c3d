import Foundation
import Sieve

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The names of a run directory's files.
public enum RunFiles {
    public static let run = "run.json"
    public static let study = "study"
    public static let journal = "trials.journal"
    public static let timings = "timings.journal"
    public static let best = "best.json"
    public static let progress = "progress.json"
    public static let log = "search.log"
    public static let lock = "run.lock"
    public static let trials = "trials"

    /// A trial's sweep directory, relative to the run: `trials/00017`.
    public static func trialDirectory(_ trial: Int) -> String {
        let digits = String(trial)
        return trials + "/" + String(repeating: "0", count: max(0, 5 - digits.count)) + digits
    }

    /// Whether a file name is a temporary file left by an atomic write that was interrupted.
    static func isTemporary(_ name: String) -> Bool {
        name.hasPrefix(".") && name.contains(".tmp-")
    }

    /// Removes the temporary files an interrupted atomic write left in `directory`.
    static func removeTemporaries(in directory: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names where isTemporary(name) {
            try? FileManager.default.removeItem(atPath: (directory as NSString).appendingPathComponent(name))
        }
    }

    /// Whether `directory` holds nothing but such temporary files and a lock file (a search killed
    /// before it wrote run.json).
    static func isEffectivelyEmpty(_ directory: String) -> Bool {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return true }
        return names.allSatisfy { isTemporary($0) || $0 == lock }
    }
}

/// The lock a running search holds on its directory, so that two processes never run one search.
/// The kernel releases it when the process dies, however it dies.
final class RunLock {
    private let descriptor: Int32

    init(directory: String) throws(InputError) {
        let path = (directory as NSString).appendingPathComponent(RunFiles.lock)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw InputError(.unwritableFile, source: path, problem: "cannot create the run's lock file",
                             fix: "check that the directory is writable")
        }
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            if errno == EINTR { continue }
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            close(fd)
            throw InputError(.runBusy, source: directory,
                             problem: "another optimize process is running this search" + (holder.isEmpty ? "" : " (process \(holder))"),
                             fix: "wait for it to finish, or stop it (Ctrl-C) and resume with `optimize resume \(directory)`")
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress!, pid.count, 0) }
        descriptor = fd
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}

/// A log file that rotates: `search.log` grows to a limit, then becomes `search.log.1` (and the
/// older ones move up, the oldest dropped).
final class RunLog {
    let path: String
    let limit: Int
    let keep: Int

    init(directory: String, limit: Int = 1 << 20, keep: Int = 3) {
        path = (directory as NSString).appendingPathComponent(RunFiles.log)
        self.limit = limit
        self.keep = keep
    }

    func write(_ message: String) {
        let line = Timestamp.now() + " [\(getpid())] " + message + "\n"
        let manager = FileManager.default
        if let size = AppendOnlySize.of(path), size + line.utf8.count > limit {
            for index in stride(from: keep - 1, through: 1, by: -1) {
                let from = index == 1 ? path : "\(path).\(index - 1)"
                let to = "\(path).\(index)"
                if manager.fileExists(atPath: from) {
                    try? manager.removeItem(atPath: to)
                    try? manager.moveItem(atPath: from, toPath: to)
                }
            }
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        let bytes = Array(line.utf8)
        _ = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress!, bytes.count) }
        close(fd)
    }
}

enum AppendOnlySize {
    static func of(_ path: String) -> Int? {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : nil
    }
}

/// ISO 8601 times in UTC with milliseconds, for progress files and logs (never for the files a
/// resumed run must write identically).
public enum Timestamp {
    public static func string(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }

    public static func now() -> String { string(Date()) }
}
