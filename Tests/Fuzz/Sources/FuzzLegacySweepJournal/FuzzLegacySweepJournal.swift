@testable import Sieve
import FuzzSupport

/// LegacySweepJournal.intactLines (0.1.0's `JSON<TAB>CRC-32` lines, read by `optimize migrate`):
/// never more records than lines, chunks 0, 1, 2, …, and the records, rewritten in the current
/// format as migrate writes them, read back as the same records.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = fuzzBytes(start, count)
    let records = LegacySweepJournal.intactLines(bytes)
    let lines = bytes.count(where: { $0 == UInt8(ascii: "\n") })
    fuzzCheck(records.count <= lines, "\(records.count) records from \(lines) lines")
    for (index, record) in records.enumerated() {
        fuzzCheck(record["chunk"]?.integer == index, "record \(index) is not chunk \(index)")
    }
    let migrated = records.flatMap(Journal.line)
    guard let contents = try? Journal.parse(migrated, source: "migrated", damage: .damagedOutputDirectory) else {
        fuzzFailure("the migrated journal does not parse")
    }
    fuzzCheck(contents.records == records, "the migrated journal reads differently")
    return 0
}
