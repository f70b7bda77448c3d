import Sieve
import FuzzSupport

/// JSONReader.parse on any bytes: it throws or returns a value; a value written back with
/// JSONWriter (compact and pretty) parses again to an equal value, and the element-line reader
/// agrees with the plain one.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = fuzzBytes(start, count)
    let value: JSONValue
    do { value = try JSONReader.parse(bytes) } catch {
        if (try? JSONReader.parseWithElementLines(bytes)) != nil {
            fuzzFailure("parseWithElementLines accepts what parse refuses (\(error))")
        }
        return 0
    }
    for written in [JSONWriter.compact(value), JSONWriter.pretty(value)] {
        guard let again = try? JSONReader.parse(written) else {
            fuzzFailure("written JSON does not parse: \(written)")
        }
        fuzzCheck(again == value, "round trip changed the value: \(value) -> \(written) -> \(again)")
    }
    guard let lined = try? JSONReader.parseWithElementLines(bytes) else {
        fuzzFailure("parseWithElementLines refuses what parse accepts")
    }
    fuzzCheck(lined.value == value, "parseWithElementLines reads another value")
    if case .array(let elements) = value {
        fuzzCheck(lined.elementLines.count == elements.count, "\(lined.elementLines.count) element lines for \(elements.count) elements")
    }
    return 0
}
