import Foundation
import Sieve
import Study

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An append-only file of checksummed JSON records, one per line: the CRC-32 of the JSON as 8
/// hexadecimal digits, a space, the JSON, a newline. Each append is one `write`, then `fsync`.
///
/// A process killed mid-append leaves a torn last line; readers drop it and the next writer cuts it
/// off before appending. A damaged line with good lines after it (changed by something else) is
/// reported, and readers that can (reports) skip it.
public final class RecordJournal {
    /// What a reader found.
    public struct Contents: Sendable {
        public var records: [JSONValue] = []
        /// Damaged lines followed by good ones: 1-based line number and what is wrong.
        public var damaged: [(line: Int, problem: String)] = []
        /// Whether the last line was torn (dropped).
        public var tornTail = false
        /// Bytes up to and including the last good line.
        public var goodLength = 0
    }

    public let path: String
    private var descriptor: Int32 = -1

    public init(path: String) {
        self.path = path
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Reads the journal (an absent file is an empty journal).
    public static func read(_ path: String) -> Contents {
        guard let data = FileManager.default.contents(atPath: path) else { return Contents() }
        return parse([UInt8](data))
    }

    static func parse(_ bytes: [UInt8]) -> Contents {
        var contents = Contents()
        var start = 0
        var line = 0
        var pendingDamage: [(line: Int, problem: String)] = []
        while start < bytes.count {
            line += 1
            guard let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) else {
                contents.tornTail = true
                break
            }
            switch decode(bytes[start..<newline]) {
            case .success(let record):
                contents.damaged += pendingDamage
                pendingDamage = []
                contents.records.append(record)
                contents.goodLength = newline + 1
            case .failure(let problem):
                pendingDamage.append((line, problem))
            }
            start = newline + 1
        }
        // Bad lines at the very end were a torn write, not damage.
        if !pendingDamage.isEmpty { contents.tornTail = true }
        return contents
    }

    private enum Decoded {
        case success(JSONValue)
        case failure(String)
    }

    private static func decode(_ line: ArraySlice<UInt8>) -> Decoded {
        guard line.count > 9, line[line.startIndex + 8] == UInt8(ascii: " "),
              let expected = UInt32(String(decoding: line.prefix(8), as: UTF8.self), radix: 16)
        else { return .failure("not a checksummed record") }
        let json = line.dropFirst(9)
        guard Sieve.CRC32.checksum(json) == expected else { return .failure("its checksum does not match") }
        guard let value = try? JSONValue.parseOrdered(Data(json)) else { return .failure("not valid JSON") }
        return .success(value)
    }

    /// The line of a record.
    public static func line(_ record: JSONValue) -> [UInt8] {
        let json = Array(record.text.utf8)
        let checksum = String(Sieve.CRC32.checksum(json), radix: 16)
        return Array((String(repeating: "0", count: 8 - checksum.count) + checksum + " ").utf8) + json + [UInt8(ascii: "\n")]
    }

    /// Opens the journal for appending, first cutting it to `length` bytes (its good length).
    public func openForAppending(truncatingTo length: Int) throws(InputError) {
        if descriptor >= 0 { close(descriptor) }
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure("cannot open it for writing") }
        guard ftruncate(fd, off_t(length)) == 0 else {
            close(fd)
            throw failure("cannot cut off its torn last record")
        }
        descriptor = fd
    }

    /// Appends a record durably.
    public func append(_ record: JSONValue) throws(InputError) {
        precondition(descriptor >= 0, "openForAppending first")
        let bytes = Self.line(record)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, bytes.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw failure("writing failed (\(String(cString: strerror(errno))))")
            }
            offset += written
        }
        guard fsync(descriptor) == 0 else { throw failure("cannot flush it to disk") }
    }

    private func failure(_ problem: String) -> InputError {
        InputError(.unwritableFile, source: path, problem: problem, fix: "check the directory's permissions and free space")
    }
}
