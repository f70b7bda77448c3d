import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Replaces files so that a reader sees the old content or the new, never a mixture, and a crash
/// at any instant leaves one of the two on disk (docs/architecture.md, "Files on disk").
public enum AtomicFile {
    /// Writes `data` to `url` atomically and durably: a temporary file in the same directory,
    /// fsync, rename over `url`, fsync of the directory.
    ///
    /// - Throws: ``InputError`` (``InputError/Kind/unwritableFile``) naming the file and the system's
    ///   reason; `url` is untouched then.
    public static func write(_ data: Data, to url: URL) throws(InputError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw InputError(.unwritableFile, source: url.path, problem: "is a directory",
                             fix: "give the path of a file to write")
        }
        // Keep an existing file's permissions; new files get rw-r--r--.
        var existing = stat()
        let mode: mode_t = stat(url.path, &existing) == 0 ? existing.st_mode & 0o7777 : 0o644
        let directory = url.deletingLastPathComponent().path
        let template = directory + "/." + url.lastPathComponent + ".tmp-XXXXXX"
        var templateBytes = Array(template.utf8CString)
        let descriptor = templateBytes.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw failure(url, "cannot create a file in \(directory)") }
        let temporaryPath = String(decoding: templateBytes.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var succeeded = false
        defer {
            if !succeeded { unlink(temporaryPath) }
        }
        let written = data.withUnsafeBytes { bytes -> Bool in
            var offset = 0
            while offset < bytes.count {
                let result = Foundation.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if result < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += result
            }
            return true
        }
        guard written, fsync(descriptor) == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw failure(url, "writing failed (\(reason))")
        }
        fchmod(descriptor, mode)
        close(descriptor)
        guard rename(temporaryPath, url.path) == 0 else {
            throw failure(url, "cannot replace it (\(String(cString: strerror(errno))))")
        }
        succeeded = true
        let directoryDescriptor = open(directory, O_RDONLY)
        if directoryDescriptor >= 0 {
            fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
    }

    private static func failure(_ url: URL, _ problem: String) -> InputError {
        InputError(
            .unwritableFile, source: url.path, problem: problem,
            fix: "check that the directory exists and is writable, and that the disk has room")
    }
}
