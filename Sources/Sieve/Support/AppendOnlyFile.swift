import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file that only grows, written durably: every append is on disk (fsync) when it returns.
final class AppendOnlyFile {
    let path: String
    private let descriptor: Int32

    /// Opens (creating) `path` for appending, after cutting it to `length` bytes when given.
    init(path: String, truncatingTo length: UInt64? = nil) throws(InputError) {
        self.path = path
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Self.failure(path, "cannot open it for writing") }
        if let length, ftruncate(fd, off_t(length)) != 0 {
            close(fd)
            throw Self.failure(path, "cannot cut it back to \(length) bytes")
        }
        descriptor = fd
    }

    deinit { close(descriptor) }

    /// Appends `bytes` and waits until they are on disk.
    func append(_ bytes: [UInt8]) throws(InputError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress! + offset, bytes.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw Self.failure(path, "writing failed (\(String(cString: strerror(errno))))")
            }
            offset += written
        }
        guard fsync(descriptor) == 0 else { throw Self.failure(path, "cannot flush it to disk") }
    }

    static func size(of path: String) -> UInt64? {
        var info = stat()
        return stat(path, &info) == 0 ? UInt64(info.st_size) : nil
    }

    private static func failure(_ path: String, _ problem: String) -> InputError {
        InputError(.unwritableFile, source: path, problem: problem, fix: "check the directory's permissions and free space")
    }
}
