import Foundation
import Sieve
import Testing

@Suite("Draw histories (docs/semantics.md §1)")
struct DrawHistoryTests {
    func write(_ text: String, _ name: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("history-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    @Test("dated entries are sorted by date, then midday before evening, stably")
    func sortsByDateAndSession() throws {
        let path = try write("""
            [{"draw": 3, "date": "2024-01-02", "session": "evening"},
             {"draw": 1, "date": "2024-01-01", "session": "evening"},
             {"draw": 2, "date": "2024-01-02", "session": "midday"},
             {"draw": 0, "date": "2024-01-01", "session": "midday"}]
            """, "h.json")
        let history = try DrawHistory.load(path: path)
        #expect(history.entries.map(\.value) == [0, 1, 2, 3])
        #expect(history.order == .dateThenSession)
        let midday = try DrawHistory.load(path: path, sessions: ["midday"])
        #expect(midday.entries.map(\.value) == [0, 2])
        #expect(midday.droppedBySessionFilter == 2)
    }

    @Test("undated files keep file order, or its reverse with newest-first")
    func fileOrder() throws {
        let path = try write("[{\"draw\": 5}, {\"draw\": 6}, {\"draw\": 7}]", "h.json")
        #expect(try DrawHistory.load(path: path).entries.map(\.value) == [5, 6, 7])
        let reversed = try DrawHistory.load(path: path, newestFirst: true)
        #expect(reversed.entries.map(\.value) == [7, 6, 5])
        #expect(reversed.order == .reversedFileOrder)
    }

    @Test("full_state replaces draw and may exceed the modulus; draws may not")
    func fullState() throws {
        let path = try write("[{\"draw\": 5, \"full_state\": 4294967295}, {\"draw\": 999}]", "h.json")
        let history = try DrawHistory.load(path: path)
        #expect(try history.residues(modulus: 1000) == [295, 999])
        #expect(throws: InputError.self) { try history.residues(modulus: 999) }
    }

    @Test("CSV with a header, quoted fields and optional columns; text with comments")
    func csvAndText() throws {
        let csv = try write("session,draw,date\n\"midday\",843,2024-01-01\nevening,\"814\",2024-01-01\n", "h.csv")
        let fromCSV = try DrawHistory.load(path: csv)
        #expect(fromCSV.entries.map(\.value) == [843, 814])
        #expect(fromCSV.entries.map(\.session) == ["midday", "evening"])
        let text = try write("# a comment\n843\n\n814  # trailing comment\n568\n", "h.txt")
        let fromText = try DrawHistory.load(path: text)
        #expect(fromText.entries.map(\.value) == [843, 814, 568])
        #expect(fromText.format == .text)
    }

    @Test("the checksum is the file's SHA-256, as sha256sum prints it")
    func checksum() throws {
        #expect(SHA256.hexDigest(of: Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hexDigest(of: []) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        let path = try write("[{\"draw\": 1}]", "h.json")
        #expect(try DrawHistory.load(path: path).checksum == SHA256.hexDigest(of: Array("[{\"draw\": 1}]".utf8)))
    }

    @Test("errors name the entry: a date on some entries only, a bad date, a string draw")
    func entryErrors() throws {
        let mixed = try write("[{\"draw\": 1, \"date\": \"2024-01-01\"}, {\"draw\": 2}]", "h.json")
        #expect(throws: InputError.self) { try DrawHistory.load(path: mixed) }
        let badDate = try write("[{\"draw\": 1, \"date\": \"2024-13-01\"}]", "h.json")
        #expect(throws: InputError.self) { try DrawHistory.load(path: badDate) }
        let stringDraw = try write("[{\"draw\": \"843\"}]", "h.json")
        do {
            _ = try DrawHistory.load(path: stringDraw)
            Issue.record("a string draw was accepted")
        } catch {
            #expect(error.kind == .invalidDraw)
            #expect(error.source.contains("entry 0"))
        }
    }
}
