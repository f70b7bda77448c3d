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
        if let size = FileIO.size(of: FilePath(path)), size + UInt64(line.utf8.count) > UInt64(limit) {
            for index in stride(from: keep - 1, through: 1, by: -1) {
                let from = index == 1 ? path : "\(path).\(index - 1)"
                let to = "\(path).\(index)"
                if manager.fileExists(atPath: from) {
                    try? manager.removeItem(atPath: to)
                    try? manager.moveItem(atPath: from, toPath: to)
                }
            }
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else { return }
        let bytes = Array(line.utf8)
        _ = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress!, bytes.count) }
        close(fd)
    }
}
