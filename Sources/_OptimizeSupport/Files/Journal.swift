import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The one checksummed journal: an append-only file of JSON records, one per line, each made
/// durable before the append returns. Sweeps journal their chunks in it, studies their trials'
/// events, searches their trials' records.
///
/// **Line format.** The CRC-32 of the record's JSON as 8 lower-case hexadecimal digits, a space,
/// the compact JSON, a newline: `4a3f09c1 {"chunk":0,...}\n`.
///
/// **Damage policy.** A process killed mid-append leaves a torn last line (no newline, or a last
/// line whose checksum does not match): readers drop it, and the next append cuts it off first,
/// so torn bytes never end up between two good records. A bad line *before* the last line cannot
/// come from a crash (something else changed the file): every reader refuses the journal with an
/// error of the owner's kind that names the line. A journal in the line format of an older version
/// is refused with ``InputError/Kind/needsMigration``.
///
/// Writers that share a journal across processes (a study's `ask` and `tell`) hold
/// ``withExclusiveLock(_:)`` while they read and append; readers take a shared lock.
///
/// ```swift
/// let journal = try Journal(appendingTo: FilePath("study/trials.journal"), damage: .invalidStudy)
/// try journal.withExclusiveLock { contents in
///     try journal.append(.object([("event", .string("asked"))]))
/// }
/// ```
public final class Journal {
    /// What a reader found: the good records, in order, and where the good bytes end.
    public struct Contents: Sendable {
        public var records: [JSONValue] = []
        /// The length of the file up to and including the last good record.
        public var goodLength: UInt64 = 0
        /// Whether a torn last line was dropped.
        public var tornTail = false

        public init() {}
    }

    public let path: FilePath
    /// The kind of the error a damaged journal is refused with (the owner's: a damaged study, run or sweep).
    public let damageKind: InputError.Kind
    private let descriptor: FileDescriptor
    /// Where the good bytes end, as of the last read or append through this journal.
    private var goodLength: UInt64 = 0

    /// Opens the journal at `path` for reading and appending (never through a symlink) and reads it.
    ///
    /// - Parameters:
    ///   - create: create an empty journal when there is none (its directory entry made durable).
    ///   - damage: the kind of error that reports damage in this journal.
    public init(appendingTo path: FilePath, damage: InputError.Kind, create: Bool = true) throws(InputError) {
        self.path = path
        damageKind = damage
        let existed = FileIO.size(of: path) != nil
        descriptor = try FileIO.openForWriting(path, append: true, create: create, readable: true)
        if create && !existed {
            do {
                try FileIO.syncDirectory(path.removingLastComponent().isEmpty ? FilePath(".") : path.removingLastComponent())
            } catch {
                try? descriptor.close()
                throw error
            }
        }
    }

    deinit { try? descriptor.close() }

    /// Reads the journal at `path` read-only under a shared lock; an absent file is an empty journal.
    public static func read(_ path: FilePath, damage: InputError.Kind) throws(InputError) -> Contents {
        guard FileIO.size(of: path) != nil else { return Contents() }
        let descriptor = try FileIO.openForReading(path)
        defer { try? descriptor.close() }
        try lock(descriptor, LOCK_SH, path)
        defer { flock(descriptor.rawValue, LOCK_UN) }
        return try parse(FileIO.readAll(descriptor, path: path), source: path.string, damage: damage)
    }

    /// The journal's records as they are on disk now.
    public func contents() throws(InputError) -> Contents {
        let contents = try Self.parse(FileIO.readAll(descriptor, path: path), source: path.string, damage: damageKind)
        goodLength = contents.goodLength
        return contents
    }

    /// Runs `body` with the journal's contents, holding the lock that excludes every other reader
    /// and writer; `body` may ``append(_:)``.
    public func withExclusiveLock<T>(_ body: (Contents) throws(InputError) -> T) throws(InputError) -> T {
        try Self.lock(descriptor, LOCK_EX, path)
        defer { flock(descriptor.rawValue, LOCK_UN) }
        return try body(try contents())
    }

    /// Appends `record` durably, first cutting off a torn last line; writers that share the journal
    /// hold ``withExclusiveLock(_:)`` around it.
    ///
    /// - Throws: the journal's damage kind when it is damaged (nothing is written then).
    public func append(_ record: JSONValue) throws(InputError) {
        let size = try FileIO.size(of: descriptor, path: path)
        if size != goodLength {
            // Not the file this journal last read or wrote (never read yet, another writer's
            // records, or a torn record from a writer that died): read it again, then cut only a
            // torn tail, so that torn bytes never precede a good record and good ones stay.
            _ = try contents()
            if size > goodLength { try FileIO.truncate(descriptor, to: goodLength, path: path) }
        }
        let line = Self.line(record)
        try FileIO.writeAll(line, to: descriptor, path: path)
        try FileIO.sync(descriptor, path: path)
        goodLength += UInt64(line.count)
    }

    /// The journal line of a record: checksum, space, JSON, newline.
    public static func line(_ record: JSONValue) -> [UInt8] {
        let json = Array(record.text.utf8)
        return Array((CRC32.hex(CRC32.checksum(json)) + " ").utf8) + json + [UInt8(ascii: "\n")]
    }

    /// Parses journal bytes under the damage policy above.
    ///
    /// - Parameters:
    ///   - source: the journal's name in messages.
    ///   - damage: the kind of the error for a damaged line before the last.
    public static func parse(_ bytes: [UInt8], source: String, damage: InputError.Kind) throws(InputError) -> Contents {
        var contents = Contents()
        var start = 0
        var lineNumber = 0
        lines: while start < bytes.count {
            lineNumber += 1
            guard let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) else {
                contents.tornTail = true  // no newline: the write never finished
                break
            }
            switch decode(bytes[start..<newline]) {
            case .success(let record):
                contents.records.append(record)
                contents.goodLength = UInt64(newline + 1)
            case .failure(let problem):
                if lineNumber == 1 && bytes[start] == UInt8(ascii: "{") {
                    throw InputError(.needsMigration, source: "\(source): line 1",
                                     problem: "the journal is in the line format of optimize 0.1.0 (JSON, tab, checksum)",
                                     fix: "run `optimize migrate` on its directory, which rewrites it in the current format")
                }
                guard newline + 1 < bytes.count else {
                    contents.tornTail = true  // the last line: a write that never finished
                    break lines
                }
                throw InputError(damage, source: "\(source): line \(lineNumber)",
                                 problem: "the record is damaged (\(problem)) and records follow it",
                                 fix: "restore the file from a backup; something other than optimize changed it")
            }
            start = newline + 1
        }
        return contents
    }

    private enum Decoded {
        case success(JSONValue)
        case failure(String)
    }

    private static func decode(_ line: ArraySlice<UInt8>) -> Decoded {
        guard line.count > 9, line[line.startIndex + 8] == UInt8(ascii: " "),
              let expected = UInt32(String(decoding: line.prefix(8), as: UTF8.self), radix: 16)
        else { return .failure("it is not a checksummed record") }
        let json = line.dropFirst(9)
        guard CRC32.checksum(json) == expected else { return .failure("its checksum does not match") }
        guard let value = try? JSONReader.parse(Array(json)) else { return .failure("it is not valid JSON") }
        return .success(value)
    }

    private static func lock(_ descriptor: FileDescriptor, _ operation: Int32, _ path: FilePath) throws(InputError) {
        while flock(descriptor.rawValue, operation) != 0 {
            guard errno == EINTR else {
                throw InputError(.unreadableFile, source: path.string,
                                 problem: "cannot lock the journal (\(Errno(rawValue: errno).description))",
                                 fix: "keep the directory on a local file system")
            }
        }
    }
}
