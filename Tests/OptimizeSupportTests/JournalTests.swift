import Dispatch
import Foundation
import Testing
@testable import _OptimizeSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

private func record(_ index: Int) -> JSONValue {
    .object([("event", .string("told")), ("trial", .integer(index)), ("seed", .unsigned(UInt64.max - UInt64(index)))])
}

/// The journal line of `record(index)`, as text.
private func line(_ index: Int) -> String { String(decoding: Journal.line(record(index)), as: UTF8.self) }

@Suite struct JournalTests {
    let directory = TemporaryDirectory()
    var path: FilePath { directory.file("trials.journal") }

    private func openJournal() throws(InputError) -> Journal {
        try Journal(appendingTo: path, damage: .damagedTestJournal)
    }

    // MARK: Round trip and line format

    @Test func appendsAndReadsBack() throws {
        let journal = try openJournal()
        #expect(try journal.contents().records.isEmpty)
        for index in 0..<5 { try journal.append(record(index)) }
        let expected = (0..<5).map(record)

        let read = try Journal.read(path, damage: .damagedTestJournal)
        #expect(read.records == expected)
        #expect(!read.tornTail)
        #expect(read.goodLength == FileIO.size(of: path))
        #expect(try journal.contents().records == expected)
        #expect(try openJournal().contents().records == expected)
        #expect(text(of: path) == (0..<5).map(line).joined())
    }

    @Test func writesTheLineFormat() throws {
        let value = JSONValue.object([("chunk", .integer(0)), ("text", .string("a b\n"))])
        let journal = try openJournal()
        _ = try journal.contents()
        try journal.append(value)
        let written = try #require(text(of: path))
        let json = #"{"chunk":0,"text":"a b\n"}"#
        #expect(written == CRC32.hex(CRC32.checksum(Array(json.utf8))) + " " + json + "\n")
        #expect(written.utf8.prefix(8).allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) })
        #expect(String(decoding: Journal.line(value), as: UTF8.self) == written)
    }

    @Test func anAbsentJournalReadsAsEmpty() throws {
        let contents = try Journal.read(path, damage: .damagedTestJournal)
        #expect(contents.records.isEmpty)
        #expect(contents.goodLength == 0)
        #expect(!FileManager.default.fileExists(atPath: path.string), "reading does not create the journal")
    }

    @Test func opensWithoutCreatingWhenAsked() {
        let error = inputError { try Journal(appendingTo: path, damage: .damagedTestJournal, create: false) }
        #expect(error?.kind == .unwritableFile)
        #expect(error?.source == path.string)
        #expect(!FileManager.default.fileExists(atPath: path.string))
    }

    @Test func refusesToOpenASymlink() throws {
        let target = directory.file("elsewhere.journal")
        writeFile(line(0), to: target)
        try FileManager.default.createSymbolicLink(atPath: path.string, withDestinationPath: target.string)
        let error = inputError { try openJournal() }
        #expect(error?.kind == .unwritableFile)
        #expect(error?.problem.contains("symbolic link") == true)
        #expect(text(of: target) == line(0))
    }

    // MARK: Torn last line

    @Test(arguments: [
        "0123abcd {\"event\":\"to",              // cut inside the JSON: no newline
        "0123ab",                                 // cut inside the checksum
        "\(line(9).dropLast())",                  // a whole record but its newline
        "00000000 {\"event\":\"told\"}\n",        // a complete line whose checksum does not match
        "\(line(9).prefix(8)) {\"event\":\"tolt\",\"trial\":9}\n",  // a damaged last record
        "\n",                                     // an empty last line
    ])
    func dropsATornLastLineAndCutsItOnTheNextAppend(_ torn: String) throws {
        let good = (0..<3).map(line).joined()
        writeFile(good + torn, to: path)

        let read = try Journal.read(path, damage: .damagedTestJournal)
        #expect(read.records == (0..<3).map(record))
        #expect(read.tornTail)
        #expect(read.goodLength == UInt64(good.utf8.count))

        let journal = try openJournal()
        #expect(try journal.contents().records == (0..<3).map(record))
        try journal.append(record(3))
        #expect(text(of: path) == good + line(3), "the torn bytes are cut before the new record")
        let reread = try Journal.read(path, damage: .damagedTestJournal)
        #expect(reread.records == (0..<4).map(record))
        #expect(!reread.tornTail)
    }

    @Test func cutsATornLastLineUnderTheExclusiveLock() throws {
        let good = line(0)
        writeFile(good + "deadbeef {\"event\"", to: path)
        let journal = try openJournal()
        try journal.withExclusiveLock { contents throws(InputError) in
            #expect(contents.tornTail)
            #expect(contents.records == [record(0)])
            try journal.append(record(1))
        }
        #expect(text(of: path) == good + line(1))
    }

    @Test func aTornOnlyLineLeavesAnEmptyJournal() throws {
        writeFile("0123abcd {\"ev", to: path)
        let journal = try openJournal()
        #expect(try journal.contents().records.isEmpty)
        try journal.append(record(0))
        #expect(text(of: path) == line(0))
    }

    @Test func cutsATailTornAfterTheJournalWasRead() throws {
        // Another writer died mid-append after this journal last read: the next append through
        // this journal still never leaves torn bytes before its record.
        let journal = try openJournal()
        _ = try journal.contents()
        try journal.append(record(0))
        let handle = try #require(FileHandle(forWritingAtPath: path.string))
        handle.seekToEndOfFile()
        handle.write(Data("0badc0de {\"tr".utf8))
        try handle.close()
        try journal.append(record(1))
        #expect(text(of: path) == line(0) + line(1))
    }

    @Test func appendingRightAfterOpeningKeepsTheRecords() throws {
        // The initialiser is documented to read the journal: an append straight after it must not
        // take the journal for empty and cut it.
        writeFile(line(0) + line(1), to: path)
        let journal = try openJournal()
        try journal.append(record(2))
        #expect(text(of: path) == line(0) + line(1) + line(2))
    }

    @Test func appendingAfterAnotherWriterKeepsItsRecords() throws {
        // Two journals on one file in turn (one process, no lock): the second's records are good
        // records, not a torn tail, and the first's next append keeps them.
        let first = try openJournal()
        _ = try first.contents()
        try first.append(record(0))
        let second = try openJournal()
        _ = try second.contents()
        try second.append(record(1))
        try first.append(record(2))
        #expect(text(of: path) == line(0) + line(1) + line(2))
    }

    @Test func appendingRefusesADamagedJournal() throws {
        writeFile(line(0) + "garbage\n" + line(2), to: path)
        let before = bytes(of: path)
        let journal = try openJournal()
        let error = inputError { try journal.append(record(3)) }
        #expect(error?.kind == .damagedTestJournal)
        #expect(bytes(of: path) == before)
    }

    // MARK: Damage before the last line

    @Test(arguments: [
        ("00000000 {\"event\":\"told\"}\n", 2),                       // wrong checksum
        ("\(line(1).prefix(8)) {\"event\":\"tolt\",\"trial\":1}\n", 2), // a changed record
        ("not a record at all\n", 2),                                  // not checksummed
        ("\n", 2),                                                     // an empty line
        (CRC32.hex(CRC32.checksum(Array("{\"a\":".utf8))) + " {\"a\":\n", 2),  // right checksum, not JSON
        (line(1).uppercased(), 2),                                     // upper-case hex and JSON
    ])
    func refusesDamageBeforeTheLastLine(_ damaged: String, _ lineNumber: Int) throws {
        writeFile(line(0) + damaged + line(2) + line(3), to: path)
        let before = bytes(of: path)

        let read = inputError { try Journal.read(path, damage: .damagedTestJournal) }
        #expect(read?.kind == .damagedTestJournal)
        #expect(read?.source == "\(path.string): line \(lineNumber)")

        let journal = try openJournal()
        let contents = inputError { try journal.contents() }
        #expect(contents?.kind == .damagedTestJournal)
        #expect(contents?.source == "\(path.string): line \(lineNumber)")
        let locked = inputError { try journal.withExclusiveLock { _ throws(InputError) in try journal.append(record(4)) } }
        #expect(locked?.kind == .damagedTestJournal)

        #expect(bytes(of: path) == before, "a refused journal is left as it is")
    }

    @Test func namesTheDamagedLineFarDown() throws {
        var text = (0..<40).map(line).joined()
        text += "ffffffff {}\n" + line(41)
        writeFile(text, to: path)
        let error = inputError { try Journal.read(path, damage: .damagedTestJournal) }
        #expect(error?.kind == .damagedTestJournal)
        #expect(error?.source == "\(path.string): line 41")
        #expect(error?.description.contains("line 41") == true)
    }

    @Test func parseIsTheSamePolicyOnBytes() throws {
        let good = Array((line(0) + line(1)).utf8)
        let contents = try Journal.parse(good + Array("12".utf8), source: "j", damage: .damagedTestJournal)
        #expect(contents.records == [record(0), record(1)])
        #expect(contents.tornTail)
        #expect(contents.goodLength == UInt64(good.count))
        let error = inputError { try Journal.parse(Array((line(0) + "x\n" + line(1)).utf8), source: "j", damage: .damagedTestJournal) }
        #expect(error?.source == "j: line 2")
        #expect(try Journal.parse([], source: "j", damage: .damagedTestJournal).records.isEmpty)
    }

    // MARK: Legacy format

    @Test func refusesTheLegacyFormatAsNeedingMigration() throws {
        // Version 0.1.0: JSON, tab, checksum.
        let json = #"{"event":"asked","trial":0}"#
        let legacy = json + "\t" + CRC32.hex(CRC32.checksum(Array(json.utf8))) + "\n"
        writeFile(legacy + legacy, to: path)

        let error = inputError { try Journal.read(path, damage: .damagedTestJournal) }
        #expect(error?.kind == .needsMigration)
        #expect(error?.source == "\(path.string): line 1")
        #expect(error?.fix.contains("optimize migrate") == true)
        #expect(inputError { try openJournal().contents() }?.kind == .needsMigration)

        // A single legacy line is refused the same way, not dropped as a torn tail.
        writeFile(legacy, to: path)
        #expect(inputError { try Journal.read(path, damage: .damagedTestJournal) }?.kind == .needsMigration)
    }

    @Test func aBraceLaterOnIsDamageNotMigration() throws {
        writeFile(line(0) + "{\"event\":\"asked\"}\t00000000\n" + line(2), to: path)
        let error = inputError { try Journal.read(path, damage: .damagedTestJournal) }
        #expect(error?.kind == .damagedTestJournal)
        #expect(error?.source == "\(path.string): line 2")
    }

    // MARK: Read-only files

    @Test func readsAFileWithoutWritePermission() throws {
        writeFile(line(0) + line(1), to: path)
        chmod(path.string, 0o444)
        chmod(directory.path.string, 0o555)
        defer { chmod(directory.path.string, 0o755) }
        #expect(try Journal.read(path, damage: .damagedTestJournal).records == [record(0), record(1)])
        if geteuid() != 0 {
            // Where permissions are enforced, a writer is refused: the reader opened read-only.
            #expect(inputError { try openJournal() }?.kind == .unwritableFile)
        }
    }

    /// Root ignores permission bits, so the test above would pass even if `read` opened the file for
    /// writing. An immutable file cannot be opened for writing even by root: `read` works on one
    /// only because it opens read-only, and creates nothing (no lock file, no temporary).
    @Test(.enabled(if: setImmutableWorks(), "chattr +i is not available here"))
    func readsAnImmutableFileInAnImmutableDirectory() throws {
        writeFile(line(0) + line(1), to: path)
        #expect(setImmutable(path, true))
        #expect(setImmutable(directory.path, true))
        defer {
            _ = setImmutable(directory.path, false)
            _ = setImmutable(path, false)
        }
        // The file system refuses writers here, root included.
        #expect(inputError { try openJournal() }?.kind == .unwritableFile)
        #expect(open(path.string, O_WRONLY) < 0)

        let contents = try Journal.read(path, damage: .damagedTestJournal)
        #expect(contents.records == [record(0), record(1)])
        #expect(directory.names() == ["trials.journal"])
        // An absent journal in a directory where nothing can be created still reads as empty.
        #expect(try Journal.read(directory.file("absent.journal"), damage: .damagedTestJournal).records.isEmpty)
    }

    // MARK: Locking

    @Test func anExclusiveLockExcludesAnotherUntilReleased() throws {
        let journal = try openJournal()
        let path = self.path
        let started = DispatchSemaphore(value: 0)
        let acquired = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
        let seen = Shared<[JSONValue]?>(nil)

        try journal.withExclusiveLock { _ throws(InputError) in
            try journal.append(record(0))
            Thread.detachNewThread {
                defer { finished.signal() }
                guard let other = try? Journal(appendingTo: path, damage: .damagedTestJournal) else { return }
                started.signal()
                try? other.withExclusiveLock { contents throws(InputError) in
                    seen.set(contents.records)
                    acquired.signal()
                    try other.append(record(1))
                }
            }
            #expect(started.wait(timeout: .now() + 10) == .success)
            // The other thread is blocked on the lock while this one holds it.
            #expect(acquired.wait(timeout: .now() + 0.5) == .timedOut, "a second exclusive lock was granted while the first was held")
            try journal.append(record(2))
        }
        // Released: the other thread gets the lock and sees everything appended under the first.
        #expect(acquired.wait(timeout: .now() + 10) == .success)
        #expect(finished.wait(timeout: .now() + 10) == .success)
        #expect(seen.get() == [record(0), record(2)])
        #expect(try Journal.read(path, damage: .damagedTestJournal).records == [record(0), record(2), record(1)])
    }

    @Test func aReaderWaitsForTheWriter() throws {
        let journal = try openJournal()
        let path = self.path
        let done = DispatchSemaphore(value: 0)
        let read = Shared<[JSONValue]?>(nil)
        try journal.withExclusiveLock { _ throws(InputError) in
            try journal.append(record(0))
            Thread.detachNewThread {
                read.set(try? Journal.read(path, damage: .damagedTestJournal).records)
                done.signal()
            }
            #expect(done.wait(timeout: .now() + 0.5) == .timedOut, "a shared lock was granted under an exclusive one")
            try journal.append(record(1))
        }
        #expect(done.wait(timeout: .now() + 10) == .success)
        #expect(read.get() == [record(0), record(1)])
    }
}

private func setImmutableWorks() -> Bool {
    let probe = TemporaryDirectory()
    let file = probe.file("probe")
    writeFile("x", to: file)
    guard setImmutable(file, true) else { return false }
    return setImmutable(file, false)
}

/// A value shared with another thread.
final class Shared<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func get() -> Value { lock.withLock { value } }
    func set(_ newValue: Value) { lock.withLock { value = newValue } }
}
