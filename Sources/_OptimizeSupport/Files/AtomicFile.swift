import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Replaces files so that a reader sees the old content or the new, never a mixture, and a crash
/// at any instant leaves one of the two on disk (docs/architecture.md, "Files on disk").
///
/// ```swift
/// try AtomicFile.write(Array("{}\n".utf8), to: FilePath("run/best.json"))
/// ```
public enum AtomicFile {
    /// Writes `bytes` to `path` atomically and durably: a new temporary file in the same directory
    /// (created exclusively, never through a symlink), fsync, rename over `path`, fsync of the directory.
    ///
    /// A symlink at `path` is replaced, not followed.
    ///
    /// - Throws: ``InputError`` (``InputError/Kind/unwritableFile``, or ``InputError/Kind/diskFull``)
    ///   naming the file and the system's reason; `path` is untouched then.
    public static func write(_ bytes: some Collection<UInt8>, to path: FilePath) throws(InputError) {
        try write(to: path) { (writer) throws(InputError) in try writer.write(bytes) }
    }

    /// Writes what `body` hands its ``Writer`` to `path`, atomically and durably, in pieces (a file
    /// of any size in bounded memory): the same temporary file, fsync, rename and directory fsync as
    /// ``write(_:to:)``. When `body` throws, `path` is untouched and the temporary file removed.
    public static func write(to path: FilePath, _ body: (Writer) throws(InputError) -> Void) throws(InputError) {
        var info = stat()
        let exists = path.withPlatformString { lstat($0, &info) } == 0
        if exists && (info.st_mode & S_IFMT) == S_IFDIR {
            throw InputError(.unwritableFile, source: path.string, problem: "is a directory",
                             fix: "give the path of a file to write")
        }
        // Keep an existing regular file's permissions; new files get rw-r--r--.
        let mode = exists && (info.st_mode & S_IFMT) == S_IFREG ? info.st_mode & 0o7777 : 0o644
        let directory = path.removingLastComponent()
        let name = path.lastComponent?.string ?? "file"
        let template = (directory.isEmpty ? FilePath(".") : directory).appending(".\(name).tmp-XXXXXX")
        var templateBytes = Array(template.string.utf8CString)
        let raw = templateBytes.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard raw >= 0 else { throw FileIO.failure(Errno(rawValue: errno), path, "cannot create a file beside it") }
        let temporary = FilePath(String(decoding: templateBytes.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        let descriptor = FileDescriptor(rawValue: raw)
        var renamed = false
        defer {
            if !renamed { _ = temporary.withPlatformString { unlink($0) } }
        }
        do {
            defer { try? descriptor.close() }
            try body(Writer(descriptor: descriptor, path: path))
            try FileIO.sync(descriptor, path: path)
            fchmod(descriptor.rawValue, mode)
        }
        let result = temporary.withPlatformString { from in path.withPlatformString { rename(from, $0) } }
        guard result == 0 else { throw FileIO.failure(Errno(rawValue: errno), path, "cannot replace it") }
        renamed = true
        try FileIO.syncDirectory(directory.isEmpty ? FilePath(".") : directory)
    }

    /// Appends to the temporary file of ``write(to:_:)``.
    public struct Writer {
        let descriptor: FileDescriptor
        let path: FilePath

        public func write(_ bytes: some Sequence<UInt8>) throws(InputError) {
            try FileIO.writeAll(bytes, to: descriptor, path: path)
        }
    }
}
