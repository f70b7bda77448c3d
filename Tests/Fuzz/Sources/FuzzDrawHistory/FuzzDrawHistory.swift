import Sieve
import FuzzSupport

/// The file names the first byte chooses among: the format from the extension, or (no
/// extension) from the first character.
let names = ["history.json", "history.csv", "history.txt", "history"]

/// DrawHistory.load (JSON, CSV and text, through a file of fuzzed bytes). The first byte chooses
/// the file's name (so the format: bits 0–1), --newest-first (bit 2) and --sessions midday (bit 3);
/// the rest is the file. What loads holds draws, in file order or by date; its residues mod 1000
/// are below 1000; and its draws (when none is a full state), written as JSON, CSV and text
/// with the session of its first entry, load again as the same draws and sessions.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = fuzzBytes(start, count)
    guard let mode = bytes.first else { return 0 }
    let path = fuzzFile(names[Int(mode & 3)], Array(bytes.dropFirst()))
    let sessions: [String]? = mode & 8 != 0 ? ["midday"] : nil
    let history: DrawHistory
    do { history = try DrawHistory.load(path: path, sessions: sessions, newestFirst: mode & 4 != 0) } catch {
        return 0
    }
    fuzzCheck(history.count > 0, "a history without draws loaded")
    if sessions != nil {
        fuzzCheck(history.entries.allSatisfy { $0.session == "midday" }, "--sessions midday kept other sessions")
    }
    if history.order == .dateThenSession {
        let dates = history.entries.map { $0.date ?? "" }
        fuzzCheck(dates == dates.sorted(), "dated entries are not in date order")
    }
    if let residues = try? history.residues(modulus: 1000) {
        fuzzCheck(residues.count == history.count && residues.allSatisfy { $0 < 1000 }, "residues out of range")
    }

    guard !history.entries.contains(where: \.isFullState) else { return 0 }
    let draws = history.entries.map(\.value)
    let session = history.entries.first?.session ?? "midday"
    for format in DrawHistoryFormat.allCases {
        let written = format.encode(draws, session: session)
        let again: DrawHistory
        do {
            again = try DrawHistory.load(path: fuzzFile("written." + format.rawValue, Array(written.utf8)))
        } catch {
            fuzzFailure("the draws written as \(format) do not load (\(error)):\n\(written)")
        }
        fuzzCheck(again.entries.map(\.value) == draws, "the draws written as \(format) load as others")
        if format != .text {
            fuzzCheck(again.entries.allSatisfy { $0.session == session }, "the session \(session) written as \(format) loads as another")
        }
    }
    return 0
}
