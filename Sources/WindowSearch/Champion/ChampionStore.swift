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
    }

    /// What a rollback did.
    public struct Rollback: Sendable {
        public let path: FilePath
        /// The champion restored from the backup.
        public let restored: Champion
        /// The champion it replaced, now the backup (a second rollback restores it); nil when there was none.
        public let displaced: ChampionSource?
    }

    /// The backup of champion `name`: `DIR/NAME.json.bak`.
    public func backupPath(_ name: String) throws(InputError) -> FilePath {
        try ChampionLoader.checkName(name)
        return directory.appending(name + ".json.bak")
    }

    /// Writes `champion` as `DIR/NAME.json` (creating `DIR` if needed); the file it replaces
    /// becomes `NAME.json.bak` (an older backup is replaced).
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
        return Promotion(path: path, champion: champion, replaced: replaced, replacedProblem: replacedProblem)
    }

    /// Restores `DIR/NAME.json.bak` as `NAME.json`, and keeps the file it replaces as the backup:
    /// the two are swapped, so a second rollback undoes the first.
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
            // file (which exists all along), then the temporary becomes the backup.
            let parked = directory.appending(".\(name).json.rollback.tmp-\(getpid())")
            try AtomicFile.write(current, to: parked)
            try move(backup, over: path)
            try move(parked, over: backup)
        } else {
            try move(backup, over: path)
        }
        try FileIO.syncDirectory(directory)
        return Rollback(path: path, restored: restored, displaced: displaced)
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
