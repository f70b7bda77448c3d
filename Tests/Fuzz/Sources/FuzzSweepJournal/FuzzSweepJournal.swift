import Sieve
import FuzzSupport

/// SweepJournal.read (a sweep's chunks.journal) on a file of fuzzed journal bytes: raw (first byte
/// odd) or lines given their checksums (even). What it accepts runs chunk 0, 1, 2, … with byte
/// counts that follow the records.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let path = fuzzFile("chunks.journal", fuzzJournal(fuzzBytes(start, count)))
    let entries: [SweepJournal.Entry]
    do { entries = try SweepJournal.read(FilePath(path)) } catch {
        return 0
    }
    var bytes: UInt64 = 0
    for (index, entry) in entries.enumerated() {
        fuzzCheck(entry.chunk == index, "entry \(index) is chunk \(entry.chunk)")
        fuzzCheck(entry.records >= 0 && entry.bytes >= bytes, "entry \(index): \(entry.records) records ending at byte \(entry.bytes) after \(bytes)")
        bytes = entry.bytes
    }
    return 0
}
