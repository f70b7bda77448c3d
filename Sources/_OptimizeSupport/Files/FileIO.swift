import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The file-system calls every writer shares: opening without following symlinks, writing whole
/// buffers, flushing files and directories, and turning the system's errors into ``InputError``s
/// that name the file (a full disk as ``InputError/Kind/diskFull``).
public enum FileIO {
    /// Opens `path` for writing; never follows a symlink at `path`.
    ///
    /// - Parameters:
    ///   - append: every write goes to the end of the file.
    ///   - create: create the file when it does not exist (rw-r--r--).
    public static func openForWriting(_ path: FilePath, append: Bool, create: Bool, readable: Bool = false) throws(InputError) -> FileDescriptor {
        var options: FileDescriptor.OpenOptions = [.noFollow, .closeOnExec]
        if append { options.insert(.append) }
        if create { options.insert(.create) }
        do {
            return try FileDescriptor.open(path, readable ? .readWrite : .writeOnly, options: options,
                                           permissions: create ? [.ownerReadWrite, .groupRead, .otherRead] : nil,
                                           retryOnInterrupt: true)
        } catch {
            throw failure(error, path, "cannot open it for writing")
        }
    }

    /// Opens `path` for reading only; never follows a symlink at `path`.
    public static func openForReading(_ path: FilePath) throws(InputError) -> FileDescriptor {
        do {
            return try FileDescriptor.open(path, .readOnly, options: [.noFollow, .closeOnExec], retryOnInterrupt: true)
        } catch {
            throw failure(error, path, "cannot open it", kind: .unreadableFile)
        }
    }

    /// Writes all of `bytes` at the descriptor's position (retrying short and interrupted writes).
    public static func writeAll(_ bytes: some Sequence<UInt8>, to descriptor: FileDescriptor, path: FilePath) throws(InputError) {
        do {
            _ = try descriptor.writeAll(bytes)
        } catch {
            throw failure(error, path, "writing failed")
        }
    }

    /// Waits until the descriptor's data is on disk.
    public static func sync(_ descriptor: FileDescriptor, path: FilePath) throws(InputError) {
        guard fsync(descriptor.rawValue) == 0 else {
            throw failure(Errno(rawValue: errno), path, "cannot flush it to disk")
        }
    }

    /// Makes the directory entries of `directory` durable (a created or renamed file survives a crash).
    public static func syncDirectory(_ directory: FilePath) throws(InputError) {
        let descriptor: FileDescriptor
        do {
            descriptor = try FileDescriptor.open(directory, .readOnly, options: [.directory, .closeOnExec], retryOnInterrupt: true)
        } catch {
            throw failure(error, directory, "cannot open the directory to flush it")
        }
        defer { try? descriptor.close() }
        // Some file systems cannot fsync a directory (EINVAL): there is nothing more to make durable.
        if fsync(descriptor.rawValue) != 0 && errno != EINVAL {
            throw failure(Errno(rawValue: errno), directory, "cannot flush the directory to disk")
        }
    }

    /// Reads the whole file at `path`, or nil when there is none.
    ///
    /// - Parameter followingLinks: false for a file of a directory optimize writes (a manifest, a
    ///   summary, a study's definition): a symlink planted there is refused, naming it, not trusted.
    public static func contents(of path: FilePath, followingLinks: Bool = true) throws(InputError) -> [UInt8]? {
        let descriptor: FileDescriptor
        do {
            descriptor = try FileDescriptor.open(path, .readOnly, options: followingLinks ? [.closeOnExec] : [.closeOnExec, .noFollow],
                                                 retryOnInterrupt: true)
        } catch let error as Errno where error == .noSuchFileOrDirectory {
            return nil
        } catch {
            throw failure(error, path, "cannot open it", kind: .unreadableFile)
        }
        defer { try? descriptor.close() }
        return try readAll(descriptor, path: path)
    }

    /// Reads from the descriptor's start to its end.
    public static func readAll(_ descriptor: FileDescriptor, path: FilePath) throws(InputError) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var offset: Int64 = 0
        while true {
            let count: Int
            do {
                count = try chunk.withUnsafeMutableBytes { try descriptor.read(fromAbsoluteOffset: offset, into: $0) }
            } catch {
                throw failure(error, path, "cannot read it", kind: .unreadableFile)
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
            offset += Int64(count)
        }
    }

    /// The size of the file at `path` in bytes, or nil when there is none.
    public static func size(of path: FilePath) -> UInt64? {
        var info = stat()
        return path.withPlatformString { stat($0, &info) } == 0 ? UInt64(info.st_size) : nil
    }

    /// The size of the open file.
    public static func size(of descriptor: FileDescriptor, path: FilePath) throws(InputError) -> UInt64 {
        var info = stat()
        guard fstat(descriptor.rawValue, &info) == 0 else {
            throw failure(Errno(rawValue: errno), path, "cannot read its size", kind: .unreadableFile)
        }
        return UInt64(info.st_size)
    }

    /// Cuts the open file to `length` bytes.
    public static func truncate(_ descriptor: FileDescriptor, to length: UInt64, path: FilePath) throws(InputError) {
        guard ftruncate(descriptor.rawValue, off_t(length)) == 0 else {
            throw failure(Errno(rawValue: errno), path, "cannot cut it back to \(length) bytes")
        }
    }

    /// The error for a failed call on `path`: a full disk or quota as ``InputError/Kind/diskFull``,
    /// anything else as `kind` with the system's reason.
    public static func failure(_ error: any Error, _ path: FilePath, _ problem: String,
                               kind: InputError.Kind = .unwritableFile) -> InputError {
        let errno = error as? Errno
        if errno == .noSpace || errno == .diskQuotaExceeded {
            return InputError(.diskFull, source: path.string, problem: "the disk is full (\(problem))",
                              fix: "free space on the disk that holds it, then run the command again: what was written before is intact")
        }
        let reason = errno.map { " (\($0.description))" } ?? " (\(error))"
        if errno == .tooManySymbolicLinkLevels {
            return InputError(kind, source: path.string, problem: "\(problem): it is a symbolic link, which optimize never follows when writing",
                              fix: "remove the link; optimize creates the file itself")
        }
        return InputError(kind, source: path.string, problem: problem + reason,
                          fix: kind == .unreadableFile ? "check that the file exists and is readable"
                                                       : "check that the directory exists and is writable, and that the disk has room")
    }
}

extension FileIO {
    /// Whether `path` is a directory (not following a symlink at `path`).
    public static func isDirectory(_ path: FilePath) -> Bool {
        var info = stat()
        return path.withPlatformString { lstat($0, &info) } == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// The names in the directory at `path`, or nil when it cannot be read.
    public static func directoryEntries(_ path: FilePath) -> [String]? {
        guard let stream = path.withPlatformString({ opendir($0) }) else { return nil }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
