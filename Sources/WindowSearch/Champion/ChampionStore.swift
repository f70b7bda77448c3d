import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes champions: promotes one into `DIR/NAME.json`, keeping the previous file as
/// `DIR/NAME.json.bak`, and rolls back to the backup.
///
/// Every file is replaced atomically (``AtomicFile``), never through a symlink, under the
/// directory's lock (`champions.lock`), and `NAME.json` exists throughout: a program loading the
/// champion meanwhile sees the old one or the new one, never the baseline.
///
/// A rollback killed between its renames leaves `DIR/.NAME.json.rollback.tmp-PID` (see
/// ``rollback(_:)``); the next promotion or rollback of NAME, under the lock, finishes or discards
/// it first (``recoverInterruptedRollback(_:)``).
public struct ChampionStore: Sendable {
    /// The lock file two writers of one champions directory share.
    public static let lockName = "champions.lock"

    public let directory: FilePath

    public init(directory: FilePath = FilePath("champions")) {
        self.directory = directory
    }

    /// What a promotion did.
    public struct Promotion: Sendable {
        /// The file written.
        public let path: FilePath
        public let champion: Champion
        /// The champion it replaced (now in `NAME.json.bak`); nil when there was none.
        public let replaced: ChampionSource?
        /// Why the replaced file, kept as the backup, is not a loadable champion (it is kept all the same).
        public let replacedProblem: InputError?
        /// What was done, first, with the files an interrupted rollback left; nil when there were none.
        public let recovered: Recovery?
    }

    /// What a rollback did.
    public struct Rollback: Sendable {
        public let path: FilePath
        /// The champion restored from the backup.
        public let restored: Champion
        /// The champion it replaced, now the backup (a second rollback restores it); nil when there was none.
        public let displaced: ChampionSource?
        /// What was done, first, with the files an interrupted rollback left; nil when there were none.
        public let recovered: Recovery?
    }

    /// What ``recoverInterruptedRollback(_:)`` did with the parked files of an interrupted rollback.
    public struct Recovery: Sendable, Equatable {
        /// The parked file renamed to `NAME.json.bak` (there was no backup); nil when none was.
        public let backup: FilePath?
        /// The parked files removed as stale.
        public let removed: [FilePath]

        public init(backup: FilePath?, removed: [FilePath]) {
            self.backup = backup
            self.removed = removed
        }
    }

    /// The backup of champion `name`: `DIR/NAME.json.bak`.
    public func backupPath(_ name: String) throws(InputError) -> FilePath {
        try ChampionLoader.checkName(name)
        return directory.appending(name + ".json.bak")
    }

    /// Whether `entry` is the name of a file ``rollback(_:)`` parks the current champion `name` at:
    /// exactly `.NAME.json.rollback.tmp-` and a process id (decimal digits). The temporary files
    /// ``AtomicFile`` writes beside it (`..NAME.json.rollback.tmp-PID.tmp-XXXXXX`) do not match.
    static func isParkedName(_ entry: String, of name: String) -> Bool {
        let prefix = ".\(name).json.rollback.tmp-"
        guard entry.hasPrefix(prefix) else { return false }
        let pid = entry.utf8.dropFirst(prefix.utf8.count)
        return !pid.isEmpty && pid.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// The files an interrupted rollback of champion `name` left in the directory
    /// (`.NAME.json.rollback.tmp-PID`, regular files only: a symlink or a directory of that name is
    /// never counted nor touched), oldest first by modification time; empty when there are none or
    /// the directory does not exist. Takes no lock (``recoverInterruptedRollback(_:)`` does).
    public func parkedFiles(_ name: String) throws(InputError) -> [FilePath] {
        try ChampionLoader.checkName(name)
        guard FileIO.isDirectory(directory), let entries = FileIO.directoryEntries(directory) else { return [] }
        var found: [(path: FilePath, seconds: Int64, nanoseconds: Int64)] = []
        for entry in entries where Self.isParkedName(entry, of: name) {
            let path = directory.appending(entry)
            var info = stat()
            guard path.withPlatformString({ lstat($0, &info) }) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
            #if canImport(Darwin)
            found.append((path, Int64(info.st_mtimespec.tv_sec), Int64(info.st_mtimespec.tv_nsec)))
            #else
            found.append((path, Int64(info.st_mtim.tv_sec), Int64(info.st_mtim.tv_nsec)))
            #endif
        }
        found.sort { ($0.seconds, $0.nanoseconds, $0.path.string) < ($1.seconds, $1.nanoseconds, $1.path.string) }
        return found.map(\.path)
    }

    /// Finishes or discards what a rollback of `name` killed between its renames left; the caller
    /// holds the directory's lock. Touches only ``parkedFiles(_:)`` and `NAME.json.bak`.
    ///
    /// Which file is the right backup, for each instant ``rollback(_:)`` (current C in NAME.json,
    /// backup B in NAME.json.bak) can be killed at:
    ///
    /// 1. While writing the parked copy of C: only ``AtomicFile``'s own temporary exists, which is
    ///    not a parked file; nothing to do here.
    /// 2. After the parked copy, before `rename(bak, NAME.json)`: NAME.json = C, .bak = B, parked = C.
    ///    The rollback has not happened; B is still the right backup and the parked file a stale
    ///    copy of NAME.json. **A backup exists → the parked file is removed.**
    /// 3. After `rename(bak, NAME.json)`, before `rename(parked, bak)`: NAME.json = B, no .bak,
    ///    parked = C. The rollback is half done and C, the champion it displaced, exists only as the
    ///    parked file. **No backup → the parked file is renamed to .bak**, which is exactly the last
    ///    rename the rollback did not do: the rollback is completed, not undone (NAME.json is not
    ///    touched, so programs keep loading what they loaded since the kill).
    /// 4. After `rename(parked, bak)`: no parked file.
    ///
    /// So whenever a backup exists, it is the right one: either B untouched (2), or one a promotion
    /// wrote after the kill (a version without this recovery), which copies the file it replaces, so
    /// the parked file is a generation older than the one promotions keep. Several parked files can only have been left by versions
    /// without this recovery (it runs before every promotion and rollback, so at most one exists at
    /// a time now); with no backup, the newest by modification time is the one the latest
    /// interrupted rollback displaced, so it becomes the backup and the older ones are removed. The
    /// rename comes before the removals, so a kill during recovery leaves a state this rule handles.
    @discardableResult
    func recoverInterruptedRollback(_ name: String) throws(InputError) -> Recovery? {
        let parked = try parkedFiles(name)
        guard let newest = parked.last else { return nil }
        let backup = try backupPath(name)
        var recovered: FilePath?
        var stale = parked
        if try existing(backup) == nil {
            try move(newest, over: backup)
            recovered = newest
            stale.removeLast()
        }
        for path in stale {
            guard path.withPlatformString({ unlink($0) }) == 0 || errno == ENOENT else {
                throw InputError(.unwritableFile, source: path.string,
                                 problem: "cannot remove this file an interrupted rollback left (\(String(cString: strerror(errno))))",
                                 fix: "check that the champions directory is writable")
            }
        }
        try FileIO.syncDirectory(directory)
        return Recovery(backup: recovered, removed: stale)
    }

    /// Writes `champion` as `DIR/NAME.json` (creating `DIR` if needed); the file it replaces
    /// becomes `NAME.json.bak` (an older backup is replaced). What an interrupted rollback left is
    /// recovered first (``recoverInterruptedRollback(_:)``).
    ///
    /// - Throws: ``InputError``: `invalidOption` for a bad name; `unwritableFile` when `DIR`,
    ///   `NAME.json` or `NAME.json.bak` is a symlink or cannot be written; `runBusy` when another
    ///   process writes the directory.
    public func promote(_ champion: Champion) throws(InputError) -> Promotion {
        let loader = ChampionLoader(directory: directory)
        let path = try loader.path(champion.name)
        let backup = try backupPath(champion.name)
        let lock = try openDirectory()
        defer { withExtendedLifetime(lock) {} }
        let recovered = try recoverInterruptedRollback(champion.name)
        var replaced: ChampionSource?
        var replacedProblem: InputError?
        if let current = try existing(path) {
            do {
                let old = try Champion(bytes: current, source: path.string, expectedName: champion.name)
                replaced = .file(path: path.string, name: old.name, contentHash: old.contentHash)
            } catch {
                replacedProblem = error
            }
            // A copy, not a rename: NAME.json is never absent, even for an instant.
            try AtomicFile.write(current, to: backup)
        }
        try AtomicFile.write(champion.fileBytes, to: path)
        return Promotion(path: path, champion: champion, replaced: replaced, replacedProblem: replacedProblem, recovered: recovered)
    }

    /// Restores `DIR/NAME.json.bak` as `NAME.json`, and keeps the file it replaces as the backup:
    /// the two are swapped, so a second rollback undoes the first. What an interrupted rollback left
    /// is recovered first (``recoverInterruptedRollback(_:)``), so one killed between its renames
    /// is completed before this one starts.
    ///
    /// - Throws: ``InputError``: `noChampionBackup` when there is no backup; `invalidChampion` when
    ///   the backup is not a loadable champion (nothing is changed then); `unwritableFile`, `runBusy`
    ///   as for ``promote(_:)``.
    public func rollback(_ name: String) throws(InputError) -> Rollback {
        let path = try ChampionLoader(directory: directory).path(name)
        let backup = try backupPath(name)
        guard FileIO.isDirectory(directory) else {
            throw InputError(.noChampionBackup, source: directory.string, problem: "no such directory, so champion '\(name)' has no backup",
                             fix: "give the --champions directory `optimize champion promote` wrote")
        }
        let lock = try openDirectory()
        defer { withExtendedLifetime(lock) {} }
        let recovered = try recoverInterruptedRollback(name)
        guard let restoredBytes = try existing(backup) else {
            throw InputError(.noChampionBackup, source: backup.string,
                             problem: "does not exist: champion '\(name)' has no previous version to roll back to",
                             fix: "a backup is kept when a promotion replaces a champion; promote the configuration you want instead")
        }
        // Never install a file the loader would refuse.
        let restored = try Champion(bytes: restoredBytes, source: backup.string, expectedName: name)
        let current = try existing(path)
        var displaced: ChampionSource?
        if let current, let old = try? Champion(bytes: current, source: path.string, expectedName: name) {
            displaced = .file(path: path.string, name: old.name, contentHash: old.contentHash)
        }
        if let current {
            // The current file goes to a temporary name first, then the backup replaces the current
            // file (which exists all along), then the temporary becomes the backup. A kill between
            // the renames leaves the parked file and no backup: the next promotion or rollback
            // renames it to the backup (recoverInterruptedRollback).
            let parked = directory.appending(".\(name).json.rollback.tmp-\(getpid())")
            try AtomicFile.write(current, to: parked)
            try move(backup, over: path)
            try move(parked, over: backup)
        } else {
            try move(backup, over: path)
        }
        try FileIO.syncDirectory(directory)
        return Rollback(path: path, restored: restored, displaced: displaced, recovered: recovered)
    }

    /// Creates the directory if needed (refusing a symlink) and takes its lock.
    private func openDirectory() throws(InputError) -> DirectoryLock {
        if FileIO.isSymbolicLink(directory) {
            throw InputError(.unwritableFile, source: directory.string, problem: "is a symbolic link, which optimize never follows when writing",
                             fix: "give the champions directory itself")
        }
        try FileIO.makeDirectories(directory)
        return try DirectoryLock(directory: directory, name: Self.lockName, holder: "champions directory")
    }

    /// The bytes of the regular file at `path`, or nil when there is none; a symlink is refused.
    private func existing(_ path: FilePath) throws(InputError) -> [UInt8]? {
        if FileIO.isSymbolicLink(path) {
            throw InputError(.unwritableFile, source: path.string, problem: "is a symbolic link, which optimize never follows when writing",
                             fix: "remove the link; optimize writes champion files itself")
        }
        return try FileIO.contents(of: path, followingLinks: false)
    }

    /// `rename(2)`: replaces `to` atomically.
    private func move(_ from: FilePath, over to: FilePath) throws(InputError) {
        let result = from.withPlatformString { source in to.withPlatformString { rename(source, $0) } }
        guard result == 0 else {
            throw InputError(.unwritableFile, source: to.string, problem: "cannot replace it with \(from.string) (\(String(cString: strerror(errno))))",
                             fix: "check that the champions directory is writable")
        }
    }
}
