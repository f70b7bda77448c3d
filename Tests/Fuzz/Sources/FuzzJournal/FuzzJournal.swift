import Sieve
import FuzzSupport

/// Journal.parse under its damage policy, on raw bytes (first byte odd) or on lines given their
/// checksums (even). Whatever it accepts: the good length ends a line within the bytes, and the
/// records written back as journal lines parse again to the same records, with no torn tail.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = fuzzJournal(fuzzBytes(start, count))
    let contents: Journal.Contents
    do { contents = try Journal.parse(bytes, source: "fuzz", damage: .damagedOutputDirectory) } catch {
        return 0
    }
    fuzzCheck(contents.goodLength <= UInt64(bytes.count), "good length \(contents.goodLength) past \(bytes.count) bytes")
    if contents.goodLength > 0 {
        fuzzCheck(bytes[Int(contents.goodLength) - 1] == UInt8(ascii: "\n"), "the good bytes do not end a line")
    }
    fuzzCheck(contents.records.isEmpty == (contents.goodLength == 0), "\(contents.records.count) records in \(contents.goodLength) good bytes")
    let rewritten = contents.records.flatMap(Journal.line)
    guard let again = try? Journal.parse(rewritten, source: "rewritten", damage: .damagedOutputDirectory) else {
        fuzzFailure("the records written back do not parse")
    }
    fuzzCheck(again.records == contents.records, "the records written back read differently")
    fuzzCheck(!again.tornTail && again.goodLength == UInt64(rewritten.count), "the records written back have a torn tail")
    return 0
}
