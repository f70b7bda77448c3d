import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Loads champions (`DIR/NAME.json`, ``Champion``) for programs that run with them: the champion,
/// or the baseline configuration when there is none, and which of the two it is.
///
/// ```swift
/// let loader = ChampionLoader(directory: FilePath("champions"))
/// let loaded = try loader.load("default")          // throws for a damaged file, never falls back
/// print(loaded.source.json)                        // record it in every output made with it
///
/// // A long-running program: re-reads the file only when it changed.
/// let current = loader.loadCached("default")
/// if let failure = current.reloadFailure { log(failure) }   // the previous champion stays
/// ```
///
/// One loader may be shared between threads: its cache is behind a lock.
public final class ChampionLoader: Sendable {
    /// The champions' directory (`--champions`, by default `champions`).
    public let directory: FilePath

    /// What ``loadCached(_:)`` returns.
    public struct CachedLoad: Sendable {
        /// The champion to run with: the last one loaded, unless the file changed and loaded.
        public let champion: LoadedChampion
        /// Whether this call read the file anew (or found it removed) and changed the champion.
        public let reloaded: Bool
        /// Why the file, changed, could not be loaded: the previous champion was kept (or the
        /// baseline, when none was loaded before). Nil when nothing failed.
        public let reloadFailure: InputError?
    }

    /// The identity of the file a champion was read from: a change of any part means a new file.
    struct FileIdentity: Sendable, Equatable {
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var modifiedSeconds: Int64
        var modifiedNanoseconds: Int64

        init(_ info: stat) {
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
            size = Int64(info.st_size)
            #if canImport(Darwin)
            modifiedSeconds = Int64(info.st_mtimespec.tv_sec)
            modifiedNanoseconds = Int64(info.st_mtimespec.tv_nsec)
            #else
            modifiedSeconds = Int64(info.st_mtim.tv_sec)
            modifiedNanoseconds = Int64(info.st_mtim.tv_nsec)
            #endif
        }
    }

    private struct Cached: Sendable {
        var champion: LoadedChampion
        /// The file it was read from; nil for the baseline (no file).
        var identity: FileIdentity?
    }

    private let cache = Mutex<[String: Cached]>([:])

    public init(directory: FilePath = FilePath("champions")) {
        self.directory = directory
    }

    /// The file of champion `name`: `DIR/NAME.json`.
    public func path(_ name: String) throws(InputError) -> FilePath {
        try Self.checkName(name)
        return directory.appending(name + ".json")
    }

    /// Refuses a name that is not one file name: empty, with a path separator, `.` or `..`, a
    /// leading dot (the atomic writer's temporary files), a NUL or a control character.
    ///
    /// - Throws: ``InputError`` (`invalidOption`, source `--name`).
    public static func checkName(_ name: String) throws(InputError) {
        let problem: String? =
            if name.isEmpty { "is empty" }
            else if name.contains("/") || name.contains("\\") { "contains a path separator" }
            else if name.contains("..") { "contains '..'" }
            else if name.hasPrefix(".") { "starts with a dot" }
            else if name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) { "contains a control character" }
            else if name.utf8.count > 200 { "is longer than 200 bytes" }
            else { nil }
        if let problem {
            throw InputError(.invalidOption, source: "--name", problem: "'\(name)' \(problem): a champion's name is the name of one file in the champions directory",
                             fix: "give a plain name such as default or nightly-1")
        }
    }

    /// Champion `name`, or the baseline when there is no `DIR/NAME.json`.
    ///
    /// - Throws: ``InputError``: `invalidChampion` when the file exists but is not JSON, has an
    ///   unknown `schema_version`, a `content_hash` that does not match its content, another name,
    ///   or a bad field (never a silent baseline); `unreadableFile` when it cannot be read;
    ///   `invalidOption` for a bad name.
    public func load(_ name: String) throws(InputError) -> LoadedChampion {
        let path = try path(name)
        guard let (champion, identity) = try read(path, name: name) else { return .baseline(name: name) }
        let loaded = LoadedChampion(champion: champion, path: path.string)
        cache.withLock { $0[name] = Cached(champion: loaded, identity: identity) }
        return loaded
    }

    /// Champion `name`, reusing the one loaded last unless its file changed: another
    /// modification time, size or inode (or device), or the file removed (the baseline then).
    ///
    /// A changed file that cannot be loaded is not swapped in: the previous champion is returned
    /// with the failure in ``CachedLoad/reloadFailure`` (and the file is read again next call).
    /// With no previous champion (the first call), that is the baseline, with the failure.
    public func loadCached(_ name: String) -> CachedLoad {
        let path: FilePath
        do { path = try self.path(name) } catch {
            return CachedLoad(champion: .baseline(name: name), reloaded: false, reloadFailure: error)
        }
        let previous = cache.withLock { $0[name] }
        var info = stat()
        let exists = path.withPlatformString { stat($0, &info) } == 0
        if let previous {
            if !exists && previous.identity == nil { return CachedLoad(champion: previous.champion, reloaded: false, reloadFailure: nil) }
            if exists && previous.identity == FileIdentity(info) {
                return CachedLoad(champion: previous.champion, reloaded: false, reloadFailure: nil)
            }
        }
        do {
            let entry: Cached
            if let (champion, identity) = try read(path, name: name) {
                entry = Cached(champion: LoadedChampion(champion: champion, path: path.string), identity: identity)
            } else {
                entry = Cached(champion: .baseline(name: name), identity: nil)
            }
            cache.withLock { $0[name] = entry }
            return CachedLoad(champion: entry.champion, reloaded: true, reloadFailure: nil)
        } catch {
            return CachedLoad(champion: previous?.champion ?? .baseline(name: name), reloaded: false, reloadFailure: error)
        }
    }

    /// The champion in the file at `path` and the identity of the file read, or nil when there is
    /// no file. The identity is the open file's, so that it always belongs to the bytes read.
    private func read(_ path: FilePath, name: String) throws(InputError) -> (Champion, FileIdentity)? {
        let raw = path.withPlatformString { open($0, O_RDONLY | O_CLOEXEC) }
        guard raw >= 0 else {
            if errno == ENOENT { return nil }
            throw InputError(.unreadableFile, source: path.string, problem: "cannot open it (\(String(cString: strerror(errno))))",
                             fix: "check that the file is readable")
        }
        let descriptor = FileDescriptor(rawValue: raw)
        defer { try? descriptor.close() }
        var info = stat()
        guard fstat(raw, &info) == 0 else {
            throw InputError(.unreadableFile, source: path.string, problem: "cannot read its size (\(String(cString: strerror(errno))))",
                             fix: "check that the file is readable")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw InputError(.invalidChampion, source: path.string, problem: "is not a regular file",
                             fix: "remove it; `optimize champion promote` writes champion files")
        }
        let bytes = try FileIO.readAll(descriptor, path: path)
        return (try Champion(bytes: bytes, source: path.string, expectedName: name), FileIdentity(info))
    }
}
