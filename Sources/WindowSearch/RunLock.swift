import Foundation
import Sieve

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The lock a running search holds on its directory, so that two processes never run one search.
/// The kernel releases it when the process dies, however it dies.
final class RunLock {
    private let descriptor: Int32

    init(directory: String) throws(InputError) {
        let path = (directory as NSString).appendingPathComponent(RunFiles.lock)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
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
