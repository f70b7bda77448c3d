import Foundation
import Sieve

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An append-only file of checksummed records, shared by processes through `flock`.
///
/// Each record is one line: the CRC-32 of its JSON as 8 hexadecimal digits, a space, the JSON, and
/// a newline. A record is appended with one `write` and made durable with `fsync` before the lock
/// is released. A process killed mid-write can leave a torn last line (no newline, or a checksum
/// that does not match): readers drop it, and the next writer truncates it away under its lock
/// before appending, so torn bytes never end up between two good records.
///
/// ```swift
/// let journal = try Journal(url: directory.appendingPathComponent("trials.journal"))
/// try journal.withExclusiveLock { contents in
///     try journal.append(.object([("event", .string("asked"))]), after: contents)
/// }
/// ```
final class Journal {
    /// What a reader found: the good records, in order, and where the good bytes end.
    struct Contents {
        var records: [JSONValue]
        /// The length of the file up to and including the last good record.
        var goodLength: Int
        /// Whether a torn last record was dropped.
        var droppedTornRecord: Bool
    }

    let url: URL
    private let descriptor: Int32

    /// Opens the journal at `url`, creating an empty one when `create` is set.
    init(url: URL, create: Bool = false) throws(InputError) {
        self.url = url
        let flags = O_RDWR | O_APPEND | O_CLOEXEC | (create ? O_CREAT : 0)
        let descriptor = open(url.path, flags, 0o644)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            throw InputError(create ? .unwritableFile : .invalidStudy, source: url.path,
                             problem: "cannot open the journal (\(reason))",
                             fix: create ? "check that the directory is writable" : "give the directory of a study made by `optimize study new`")
        }
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Runs `body` holding the lock that excludes every other reader and writer.
    func withExclusiveLock<T>(_ body: (Contents) throws(InputError) -> T) throws(InputError) -> T {
        try locked(LOCK_EX) { () throws(InputError) -> T in try body(try read()) }
    }

    /// Runs `body` holding a lock shared with other readers.
    func withSharedLock<T>(_ body: (Contents) throws(InputError) -> T) throws(InputError) -> T {
        try locked(LOCK_SH) { () throws(InputError) -> T in try body(try read()) }
    }

    private func locked<T>(_ operation: Int32, _ body: () throws(InputError) -> T) throws(InputError) -> T {
        while flock(descriptor, operation) != 0 {
            guard errno == EINTR else {
                throw InputError(.unreadableFile, source: url.path, problem: "cannot lock the journal (\(String(cString: strerror(errno))))",
                                 fix: "keep the study on a local file system")
            }
        }
        defer { flock(descriptor, LOCK_UN) }
        return try body()
    }

    /// Appends `record`; call it only inside ``withExclusiveLock(_:)`` with the contents it read.
    func append(_ record: JSONValue, after contents: Contents) throws(InputError) {
        let end = lseek(descriptor, 0, SEEK_END)
        if end > contents.goodLength {
            // A torn record from a writer that died: cut it off so it never precedes a good one.
            guard ftruncate(descriptor, off_t(contents.goodLength)) == 0 else { throw writeFailure() }
        }
        let bytes = Array(Self.line(for: record).utf8)
        let written = bytes.withUnsafeBytes { buffer -> Bool in
            var offset = 0
            while offset < buffer.count {
                let result = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if result < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += result
            }
            return true
        }
        guard written, fsync(descriptor) == 0 else { throw writeFailure() }
    }

    private func writeFailure() -> InputError {
        InputError(.unwritableFile, source: url.path, problem: "cannot append to the journal (\(String(cString: strerror(errno))))",
                   fix: "check that the disk has room and the file is writable")
    }

    /// The journal line of a record: checksum, space, JSON, newline.
    static func line(for record: JSONValue) -> String {
        let json = record.text
        let checksum = String(CRC32.checksum(json.utf8), radix: 16)
        return String(repeating: "0", count: 8 - checksum.count) + checksum + " " + json + "\n"
    }

    private func read() throws(InputError) -> Contents {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var offset: off_t = 0
        while true {
            let count = chunk.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress!, $0.count, offset) }
            if count < 0 {
                if errno == EINTR { continue }
                throw InputError(.unreadableFile, source: url.path, problem: "cannot read the journal (\(String(cString: strerror(errno))))",
                                 fix: "check the file's permissions")
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
            offset += off_t(count)
        }
        return try Self.parse(bytes, source: url.path)
    }

    /// Parses journal bytes: every complete, intact line is a record; a bad last line is a torn
    /// write and is dropped; a bad line before a good one is damage, and an error.
    static func parse(_ bytes: [UInt8], source: String) throws(InputError) -> Contents {
        var contents = Contents(records: [], goodLength: 0, droppedTornRecord: false)
        var start = 0
        var lineNumber = 0
        while start < bytes.count {
            lineNumber += 1
            guard let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) else {
                contents.droppedTornRecord = true  // no newline: the write never finished
                break
            }
            let record = decode(bytes[start..<newline])
            if let record {
                contents.records.append(record)
                contents.goodLength = newline + 1
            } else if newline + 1 < bytes.count {
                throw InputError(.invalidStudy, source: "\(source): line \(lineNumber)",
                                 problem: "the record is damaged (its checksum does not match) and good records follow it",
                                 fix: "restore the journal from a backup; it was changed by something other than optimize")
            } else {
                contents.droppedTornRecord = true
            }
            start = newline + 1
        }
        return contents
    }

    private static func decode(_ line: ArraySlice<UInt8>) -> JSONValue? {
        guard line.count > 9, line[line.startIndex + 8] == UInt8(ascii: " "),
              let expected = UInt32(String(decoding: line.prefix(8), as: UTF8.self), radix: 16)
        else { return nil }
        let json = line.dropFirst(9)
        guard CRC32.checksum(json) == expected else { return nil }
        return try? JSONValue.parse(Data(json))
    }
}
