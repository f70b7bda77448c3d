import Foundation
import Sieve
import Testing

/// Bad bytes, line endings, calendar dates and unusual files: every history format alike.
@Suite("Draw histories: encodings, line endings, dates, pipes")
struct DrawHistoryInputTests {
    func write(_ bytes: [UInt8], _ name: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("history-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    func write(_ text: String, _ name: String) throws -> String { try write(Array(text.utf8), name) }

    func failure(_ path: String, format: DrawHistory.Format? = nil) -> InputError? {
        do {
            _ = try DrawHistory.load(path: path, format: format)
            return nil
        } catch {
            return error
        }
    }

    @Test("a bad escape in an entry is a malformed history naming the file, the entry, the line and the column",
          arguments: [#"\uD800\u0041"#, #"\u+123"#, #"\uDC00"#, #"\x"#])
    func badEscape(_ escape: String) throws {
        let path = try write("[{\"draw\": 1},\n {\"draw\": 2, \"session\": \"a\(escape)b\"}]", "h.json")
        let error = try #require(failure(path))
        #expect(error.kind == .malformedHistory)
        #expect(error.source.hasPrefix("\(path): entry 1 (line 2, column "), "\(error)")
        #expect(error.description.contains("escape") || error.description.contains("surrogate"), "\(error)")
    }

    @Test("a UTF-8 byte-order mark is accepted in every format")
    func utf8BOM() throws {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        for (text, name) in [("[{\"draw\": 7}]", "h.json"), ("draw\n7\n", "h.csv"), ("7\n", "h.txt")] {
            let history = try DrawHistory.load(path: try write(bom + Array(text.utf8), name))
            #expect(history.entries.map(\.value) == [7], "\(name)")
        }
    }

    @Test("UTF-16 and UTF-32 files are named as such, in every format", arguments: ["h.json", "h.csv", "h.txt"])
    func wideEncodings(_ name: String) throws {
        let text = name == "h.json" ? "[{\"draw\": 7}]" : name == "h.csv" ? "draw\n7\n" : "7\n"
        let noBOM: [UInt8] = text.utf16.flatMap { (unit: UInt16) -> [UInt8] in [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        let bigEndian: [UInt8] = text.utf16.flatMap { (unit: UInt16) -> [UInt8] in [UInt8(unit >> 8), UInt8(unit & 0xFF)] }
        let utf32: [UInt8] = text.unicodeScalars.flatMap { (scalar: Unicode.Scalar) -> [UInt8] in [UInt8(scalar.value & 0xFF), 0, 0, 0] }
        let cases: [([UInt8], String)] = [([0xFF, 0xFE] + noBOM, "UTF-16"), ([0xFE, 0xFF] + bigEndian, "UTF-16"), (noBOM, "UTF-16"),
                                          ([0xFF, 0xFE, 0, 0] + utf32, "UTF-32")]
        for (bytes, encoding) in cases {
            let error = try #require(failure(try write(bytes, name)))
            #expect(error.kind == .malformedHistory)
            #expect(error.problem.contains("is \(encoding)"), "\(error)")
            #expect(error.fix.contains("save it as UTF-8"), "\(error)")
        }
    }

    @Test("bytes that are not UTF-8 name the line, in every format", arguments: ["h.json", "h.csv", "h.txt"])
    func latin1(_ name: String) throws {
        let text = name == "h.json" ? "[{\"draw\": 7},\n{\"draw\": 8, \"session\": \"caf@\"}]"
            : name == "h.csv" ? "draw,session\n8,caf@\n7,a\n" : "7\n8 # caf@\n"
        let bytes = Array(text.utf8).map { $0 == UInt8(ascii: "@") ? 0xE9 : $0 }  // é in Latin-1
        let error = try #require(failure(try write(bytes, name)))
        #expect(error.kind == .malformedHistory)
        #expect(error.description.contains("line 2"), "\(error)")
        #expect(error.description.contains("not UTF-8"), "\(error)")
        #expect(error.fix.contains("save it as UTF-8"), "\(error)")
    }

    @Test("CRLF, LF and a last line without an ending load the same (CSV and text); JSON with CRLF")
    func lineEndings() throws {
        let csvLines = ["draw,session,date", "843,midday,2024-01-01", "814,evening,2024-01-01", "568,midday,2024-01-02"]
        let textLines = ["# comment", "843", "", "814  # trailing", "568"]
        for (lines, name) in [(csvLines, "h.csv"), (textLines, "h.txt")] {
            var loaded: [[DrawHistory.Entry]] = []
            for text in [lines.joined(separator: "\n") + "\n", lines.joined(separator: "\r\n") + "\r\n",
                         lines.joined(separator: "\n"), lines.joined(separator: "\r\n")] {
                let history = try DrawHistory.load(path: try write(text, name))
                loaded.append(history.entries)
            }
            #expect(loaded[0].map(\.value) == [843, 814, 568], "\(name)")
            #expect(loaded.allSatisfy { $0 == loaded[0] }, "\(name)")
        }
        let json = try DrawHistory.load(path: try write("[\r\n{\"draw\": 1},\r\n{\"draw\": 2}\r\n]\r\n", "h.json"))
        #expect(json.entries.map(\.value) == [1, 2])
        let error = try #require(failure(try write("draw\r\n1\r\nx\r\n", "h.csv")))
        #expect(error.source.hasSuffix("line 3, draw"), "\(error)")
    }

    @Test("CSV written by the generator loads back: a session with a comma, a quote and a newline")
    func csvRoundTrip() throws {
        for session in ["a,b", "say \"hi\"", "two\nlines", "cr\r\nlf", "all, \"of\"\nit"] {
            let text = DrawHistoryFormat.csv.encode([5, 6, 7], session: session)
            let history = try DrawHistory.load(path: try write(text, "h.csv"))
            #expect(history.entries.map(\.value) == [5, 6, 7])
            #expect(history.entries.map(\.session) == [session, session, session], "\(text)")
        }
    }

    @Test("dates are real calendar dates (leap years included)",
          arguments: [("2024-02-29", true), ("2000-02-29", true), ("2023-02-29", false), ("1900-02-29", false),
                      ("2024-02-31", false), ("2024-04-31", false), ("2024-12-31", true), ("2024-00-10", false)])
    func calendarDates(_ date: String, _ valid: Bool) throws {
        let json = try write("[{\"draw\": 1, \"date\": \"\(date)\"}]", "h.json")
        let csv = try write("draw,date\n1,\(date)\n", "h.csv")
        for path in [json, csv] {
            let error = failure(path)
            #expect((error == nil) == valid, "\(date): \(String(describing: error))")
            if let error { #expect(error.problem.contains("not a date"), "\(error)") }
        }
    }

    @Test("/dev/null is an empty history, not a permission problem")
    func devNull() throws {
        for format in [DrawHistory.Format.json, .csv, .text] {
            let error = try #require(failure("/dev/null", format: format))
            #expect(error.kind == .emptyHistory, "\(error)")
            #expect(error.problem.contains("empty"), "\(error)")
        }
        let directory = try #require(failure(FileManager.default.temporaryDirectory.path))
        #expect(directory.kind == .unreadableFile)
        #expect(directory.problem.contains("directory"), "\(directory)")
    }

    @Test("a pipe (/dev/fd/N, as <(…) gives) is read to its end")
    func pipe() throws {
        let pipe = Pipe()
        let text = Data((0..<20000).map { "\($0 % 1000)\n" }.joined().utf8)
        let writer = Thread {
            pipe.fileHandleForWriting.write(text)
            try? pipe.fileHandleForWriting.close()
        }
        writer.start()
        let history = try DrawHistory.load(path: "/dev/fd/\(pipe.fileHandleForReading.fileDescriptor)", format: .text)
        #expect(history.count == 20000)
        #expect(history.entries.last?.value == 999)
    }
}
