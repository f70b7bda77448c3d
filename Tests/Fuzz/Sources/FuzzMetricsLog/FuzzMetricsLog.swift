import OptimizeMetrics
import FuzzSupport

/// MetricsStore.parse (an agent's executions.jsonl) on raw bytes: never fatal; every line is a
/// record or a reported damage, in order, with its line number; the records written back as lines
/// parse again to the same records, without damage.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = fuzzBytes(start, count)
    let contents = MetricsStore.parse(bytes, file: "fuzz")
    let newlines = bytes.filter { $0 == UInt8(ascii: "\n") }.count
    let lines = newlines + (bytes.last.map { $0 == UInt8(ascii: "\n") ? 0 : 1 } ?? 0)
    fuzzCheck(contents.records.count + contents.damage.count == lines,
              "\(contents.records.count) records and \(contents.damage.count) damaged lines in \(lines) lines")
    let numbers = contents.damage.map(\.line)
    fuzzCheck(numbers == numbers.sorted() && Set(numbers).count == numbers.count && numbers.allSatisfy { (1...lines).contains($0) },
              "damaged line numbers \(numbers) of \(lines) lines")
    let encoder = JSONValueEncoder(keys: .snakeCase)
    var rewritten: [UInt8] = []
    for record in contents.records {
        guard let value = try? encoder.encode(record) else { fuzzFailure("a record read cannot be written back") }
        rewritten += Array(value.text.utf8) + [UInt8(ascii: "\n")]
    }
    let again = MetricsStore.parse(rewritten, file: "rewritten")
    fuzzCheck(again.damage.isEmpty, "the records written back are damaged: \(again.damage)")
    fuzzCheck(again.records == contents.records, "the records written back read differently")
    return 0
}
