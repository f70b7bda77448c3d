import Foundation
import Testing
@testable import _OptimizeSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A fresh directory under the system's temporary directory, removed (with everything in it) on deinit.
final class TemporaryDirectory {
    let path: FilePath

    init() {
        var template = Array((NSTemporaryDirectory() + "/optimize-support-tests-XXXXXX").utf8CString)
        let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(created != nil, "mkdtemp failed: errno \(errno)")
        path = FilePath(String(cString: created!))
    }

    deinit {
        // Undo what tests may have done to make the tree unremovable.
        _ = try? run("/usr/bin/chattr", ["-R", "-i", path.string])
        chmod(path.string, 0o755)
        try? FileManager.default.removeItem(atPath: path.string)
    }

    func file(_ name: String) -> FilePath { path.appending(name) }

    /// The names in the directory, sorted.
    func names(in directory: FilePath? = nil) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: (directory ?? path).string)) ?? []).sorted()
    }
}

func writeFile(_ bytes: [UInt8], to path: FilePath) {
    let created = FileManager.default.createFile(atPath: path.string, contents: Data(bytes))
    precondition(created, "cannot write \(path)")
}

func writeFile(_ text: String, to path: FilePath) { writeFile(Array(text.utf8), to: path) }

func bytes(of path: FilePath) -> [UInt8]? {
    FileManager.default.contents(atPath: path.string).map { Array($0) }
}

func text(of path: FilePath) -> String? { bytes(of: path).map { String(decoding: $0, as: UTF8.self) } }

/// The `stat` of `path` itself (a symlink's own, not its target's).
func linkStatus(_ path: FilePath) -> stat? {
    var info = stat()
    return lstat(path.string, &info) == 0 ? info : nil
}

func isSymlink(_ path: FilePath) -> Bool { linkStatus(path).map { ($0.st_mode & S_IFMT) == S_IFLNK } ?? false }
func isRegularFile(_ path: FilePath) -> Bool { linkStatus(path).map { ($0.st_mode & S_IFMT) == S_IFREG } ?? false }
func permissions(_ path: FilePath) -> mode_t? { linkStatus(path).map { $0.st_mode & 0o7777 } }

/// Runs a program and returns its exit status.
@discardableResult
func run(_ program: String, _ arguments: [String]) throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: program)
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus
}

/// Sets or clears the immutable attribute (`chattr +i`): even root cannot open such a file for
/// writing, nor create or remove names in such a directory. False when the file system or the
/// privileges do not allow it.
func setImmutable(_ path: FilePath, _ immutable: Bool) -> Bool {
    FileManager.default.isExecutableFile(atPath: "/usr/bin/chattr")
        && (try? run("/usr/bin/chattr", [immutable ? "+i" : "-i", path.string])) == 0
}

/// The ``InputError`` `body` throws, or nil (recording an issue when it throws anything else).
func inputError<T>(_ body: () throws -> T, sourceLocation: SourceLocation = #_sourceLocation) -> InputError? {
    do {
        _ = try body()
        return nil
    } catch let error as InputError {
        return error
    } catch {
        Issue.record("expected an InputError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

extension InputError.Kind {
    /// The damage kind the journal tests give (an owner's kind, as a study's or a sweep's).
    static let damagedTestJournal = Self("damagedTestJournal")
}

/// A tiny tmpfs (64 KiB) mounted for a test, to fill the disk for real; unmounted on deinit.
final class TinyDisk {
    let directory: TemporaryDirectory
    var path: FilePath { directory.path }

    /// Whether this process may mount a tmpfs here (root with CAP_SYS_ADMIN, on Linux).
    static let available: Bool = {
        #if os(Linux)
        guard let disk = TinyDisk() else { return false }
        _ = disk
        return true
        #else
        return false
        #endif
    }()

    init?() {
        directory = TemporaryDirectory()
        #if os(Linux)
        guard mount("tmpfs", directory.path.string, "tmpfs", 0, "size=64k,mode=0755") == 0 else { return nil }
        #else
        return nil
        #endif
    }

    /// Fills the disk up with a file named `name` and returns its size.
    @discardableResult
    func fill(_ name: String = "filler") -> Int {
        let descriptor = open(path.appending(name).string, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        precondition(descriptor >= 0)
        defer { close(descriptor) }
        let block = [UInt8](repeating: 0x46, count: 4096)
        var total = 0
        while true {
            let written = block.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written <= 0 { return total }
            total += written
        }
    }

    deinit {
        #if os(Linux)
        umount2(directory.path.string, Int32(MNT_DETACH))
        #endif
    }
}
