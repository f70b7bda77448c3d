import Foundation
import Sieve
import Study
import Testing
@testable import WindowSearch

@Suite("Run files: bounds, journals, logs")
struct RunFilesTests {
    @Test("default bounds are the reference's, fitted to the history and its sessions")
    func defaultBounds() throws {
        let entries = (0..<1000).map { DrawHistory.Entry(value: UInt64($0 % 1000), session: $0 % 2 == 0 ? "midday" : "evening", fileIndex: $0) }
        let history = try DrawHistory(source: "h.json", parsed: entries)
        let shape = HistoryShape(history: history)
        let bounds = SearchBounds.defaults(shape: shape, prng: "java_lcg", referenceMode: false)
        #expect(bounds.windowSize == .init(2, 50))
        #expect(bounds.offset == .init(50, 150))
        #expect(bounds.skipMin == .init(0, 10) && bounds.skipMax == .init(10, 250))
        #expect(bounds.forwardThreshold == .init(0.15, 0.6) && bounds.reverseThreshold == .init(0.15, 0.6))
        #expect(bounds.burn == .init(0, 0))
        #expect(bounds.sessions == ["all", "midday", "evening"])
        #expect(bounds.prngs == ["java_lcg"])
        #expect(SearchBounds.defaults(shape: shape, prng: "java_lcg", referenceMode: true).offset == .init(0, 100))
        // A short history: windows at most half its shortest session choice.
        let short = try DrawHistory(source: "s.json", parsed: Array(entries.prefix(60)))
        let fitted = SearchBounds.defaults(shape: HistoryShape(history: short), prng: "java_lcg", referenceMode: false)
        #expect(fitted.windowSize == .init(2, 15))
        #expect(fitted.offset == .init(15, 15))
        try fitted.validate(shape: HistoryShape(history: short), referenceMode: false, source: "defaults")
        // The space the study samples: every entry, fixed ones single-valued.
        let names = bounds.space.parameters.map(\.name)
        #expect(names == SearchBounds.Entry.allCases.map(\.rawValue))
        #expect(bounds.space.parameter(named: "burn")!.isSingleValued)
        // Bounds files read back as written.
        let reread = try SearchBounds.read(bounds.json, source: "x", over: fitted)
        #expect(reread == bounds)
    }

    @Test("threshold decimals come from the grid")
    func thresholdDecimals() {
        let range = SearchBounds.FractionRange(0.15, 0.6)
        #expect(range.decimal(0.15 + 37 * 0.01) == "0.52")
        #expect(SearchBounds.FractionRange(0.1, 0.5, step: 0.05).decimal(0.35000000000000003) == "0.35")
        #expect(SearchBounds.FractionRange(0.125, 0.5, step: 0.125).decimal(0.375) == "0.375")
    }

    @Test("the trial journal drops a torn tail and cuts it before appending; damage before the last line is refused by line")
    func recordJournal() throws {
        let directory = try Fixture.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/j.journal"
        let journal = try Journal(appendingTo: FilePath(path), damage: .damagedOutputDirectory)
        _ = try journal.contents()
        for index in 0..<3 { try journal.append(.object([("n", .integer(index)), ("x", .double(6.0))])) }
        var data = try Data(contentsOf: URL(fileURLWithPath: path))
        data += Data("0000abcd {\"n\":".utf8)  // a torn write
        try data.write(to: URL(fileURLWithPath: path))
        var contents = try Journal.read(FilePath(path), damage: .damagedOutputDirectory)
        #expect(contents.records.count == 3 && contents.tornTail)
        #expect(contents.records[2]["x"] == .double(6.0))
        let reopened = try Journal(appendingTo: FilePath(path), damage: .damagedOutputDirectory)
        _ = try reopened.contents()
        try reopened.append(.object([("n", .integer(3))]))
        contents = try Journal.read(FilePath(path), damage: .damagedOutputDirectory)
        #expect(contents.records.count == 4 && !contents.tornTail)
        // A flipped byte in line 2, with good lines after it: refused, naming the line.
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let secondLine = bytes.firstIndex(of: UInt8(ascii: "\n"))! + 12
        bytes[secondLine] ^= 1
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect {
            _ = try Journal.read(FilePath(path), damage: .damagedOutputDirectory)
        } throws: { error in
            (error as? InputError)?.kind == .damagedOutputDirectory && (error as? InputError)?.source.hasSuffix("line 2") == true
        }
    }

    @Test("the log rotates at its limit and keeps the newest files")
    func logRotates() throws {
        let directory = try Fixture.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let log = RunLog(directory: directory, limit: 400, keep: 3)
        for index in 0..<60 { log.write("line \(index) of the log, long enough to rotate") }
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        #expect(names == ["search.log", "search.log.1", "search.log.2"])
        let newest = try String(contentsOfFile: directory + "/search.log", encoding: .utf8)
        #expect(newest.contains("line 59"))
        for name in names { #expect(try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name)).count <= 400) }
    }
}
