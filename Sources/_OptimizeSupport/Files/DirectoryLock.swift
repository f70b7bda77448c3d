import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The exclusive lock a writer holds on a directory for as long as it writes it, so that two
/// processes never write one search run, sweep or study. The kernel releases it when the process
/// dies, however it dies.
///
/// The lock is `flock` on a file in the directory (`run.lock`, `sweep.lock`, `study.lock`), opened
/// without following a symlink and without truncation; the holder's process id is written into it
/// once the lock is held, for the message a second writer gets.
///
/// ```swift
/// let lock = try DirectoryLock(directory: FilePath("out"), name: DirectoryLock.sweep, holder: "sweep")
/// defer { withExtendedLifetime(lock) {} }
/// ```
public final class DirectoryLock {
    /// The lock file of a search run.
    public static let run = "run.lock"
    /// The lock file of a sweep (`optimize sieve`, `optimize merge`, a search's trial).
    public static let sweep = "sweep.lock"
    /// The lock file of a study (held while `optimize study new` creates it).
    public static let study = "study.lock"

    public let path: FilePath
    private let descriptor: FileDescriptor

    /// Takes the lock on `directory`, or refuses at once when another process holds it.
    ///
    /// - Parameters:
    ///   - name: the lock file's name (``run``, ``sweep``, ``study``).
    ///   - holder: what the directory is, for the message (`search run`, `sweep`, `study`).
    ///   - fix: what to do when another process holds it.
    ///   - waiting: wait for another holder to release the lock instead of refusing. For writers
    ///     whose hold is short (a metrics store's append, a few milliseconds), where two processes
    ///     must both get their turn rather than one of them failing.
    /// - Throws: ``InputError``: ``InputError/Kind/runBusy`` when another process holds the lock
    ///   (never when `waiting`); `unwritableFile` when the lock file cannot be opened (a symlink
    ///   planted at its name is refused, naming it).
    public init(directory: FilePath, name: String, holder: String,
                fix: String = "wait for it to finish, or stop it, then run the command again",
                waiting: Bool = false) throws(InputError) {
        path = directory.appending(name)
        let descriptor = try FileIO.openForWriting(path, append: false, create: true, readable: true)
        var info = stat()
        guard fstat(descriptor.rawValue, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            try? descriptor.close()
            throw InputError(.unwritableFile, source: path.string, problem: "is not a regular file, so it cannot be the \(holder)'s lock file",
                             fix: "remove it; optimize creates the lock file itself")
        }
        while flock(descriptor.rawValue, waiting ? LOCK_EX : LOCK_EX | LOCK_NB) != 0 {
            let error = errno
            if error == EINTR { continue }
            guard error == EWOULDBLOCK else {
                try? descriptor.close()
                throw InputError(.unwritableFile, source: path.string,
                                 problem: "cannot lock the \(holder) (\(Errno(rawValue: error).description))",
                                 fix: "keep the directory on a local file system")
            }
            let holderPID = (try? FileIO.readAll(descriptor, path: path)).map {
                String(decoding: $0.prefix(20).filter { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }, as: UTF8.self)
            } ?? ""
            try? descriptor.close()
            throw InputError(.runBusy, source: directory.string,
                             problem: "another optimize process is writing this \(holder)" + (holderPID.isEmpty ? "" : " (process \(holderPID))"),
                             fix: fix)
        }
        // Held: record who holds it (a reader of the file sees an old pid or the new one).
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor.rawValue, 0)
        _ = pid.withUnsafeBytes { pwrite(descriptor.rawValue, $0.baseAddress!, pid.count, 0) }
        self.descriptor = descriptor
    }

    deinit {
        flock(descriptor.rawValue, LOCK_UN)
        try? descriptor.close()
    }

    /// Whether `directory` holds nothing of a run yet: only regular files that are its lock file
    /// (`lockName`) or temporary files an interrupted atomic write left (`.NAME.tmp-…`). A symlink
    /// or anything else under those names makes it not empty.
    public static func isEffectivelyEmpty(_ directory: FilePath, lockName: String) -> Bool {
        guard let names = FileIO.directoryEntries(directory) else { return false }
        return names.allSatisfy { name in
            guard name == lockName || FileIO.isTemporaryName(name) else { return false }
            return FileIO.isRegularFile(directory.appending(name))
        }
    }
}

extension FileIO {
    /// Whether `name` is that of a temporary file ``AtomicFile`` writes beside its target (`.NAME.tmp-XXXXXX`).
    public static func isTemporaryName(_ name: String) -> Bool {
        name.hasPrefix(".") && name.contains(".tmp-")
    }

    /// Whether `path` is a regular file (not following a symlink at `path`).
    public static func isRegularFile(_ path: FilePath) -> Bool {
        var info = stat()
        return path.withPlatformString { lstat($0, &info) } == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    /// Creates the directory `path` (its parent must exist) and makes its entry durable (the parent
    /// fsynced); returns false when it already existed as a directory (not a symlink to one).
    ///
    /// - Throws: `unwritableFile` when it cannot be created, or exists as something else.
    @discardableResult
    public static func makeDirectory(_ path: FilePath) throws(InputError) -> Bool {
        let parent = path.removingLastComponent().isEmpty ? FilePath(".") : path.removingLastComponent()
        if path.withPlatformString({ mkdir($0, 0o755) }) == 0 {
            try syncDirectory(parent)
            return true
        }
        let error = Errno(rawValue: errno)
        if error == .fileExists {
            guard isDirectory(path) else {
                throw InputError(.unwritableFile, source: path.string,
                                 problem: isSymbolicLink(path) ? "is a symbolic link, which optimize never follows when writing"
                                                               : "is a file, not a directory",
                                 fix: "give a new directory, or remove what is there")
            }
            return false
        }
        throw failure(error, path, "cannot create the directory")
    }

    /// Creates `path` and every missing parent, each made durable (its parent fsynced).
    public static func makeDirectories(_ path: FilePath) throws(InputError) {
        if isDirectory(path) { return }
        let parent = path.removingLastComponent()
        if !parent.components.isEmpty && !isDirectory(parent) { try makeDirectories(parent) }
        try makeDirectory(path)
    }

    /// Whether `path` is a symbolic link.
    public static func isSymbolicLink(_ path: FilePath) -> Bool {
        var info = stat()
        return path.withPlatformString { lstat($0, &info) } == 0 && (info.st_mode & S_IFMT) == S_IFLNK
    }
}
