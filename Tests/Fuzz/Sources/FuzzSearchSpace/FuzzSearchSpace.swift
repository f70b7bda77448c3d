import Study
import Sieve
import FuzzSupport

/// A search-space file (`SearchSpace(json:source:)`) and a study definition (`study.json`) from
/// fuzzed JSON: what is accepted, written back as JSON, reads again as an equal space (and a
/// definition that writes the same JSON).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    guard let json = try? JSONReader.parse(fuzzBytes(start, count)) else { return 0 }
    if let space = try? SearchSpace(json: json, source: "space.json") {
        let written = JSONWriter.pretty(space.json)
        do {
            let again = try SearchSpace(json: try JSONReader.parse(written), source: "written")
            fuzzCheck(again == space, "the space written back reads differently: \(written)")
        } catch {
            fuzzFailure("the space written back is refused (\(error)): \(written)")
        }
        for parameter in space.parameters {
            fuzzCheck(space.parameter(named: parameter.name) != nil, "parameter \(parameter.name) not found by name")
        }
    }
    if let definition = try? StudyDefinition(json: json, source: "study.json") {
        let written = JSONWriter.compact(definition.json)
        do {
            // Timestamps are written to the millisecond: a hand-written `created` with more digits
            // reads back rounded, so the check is that what is written reads back to itself.
            let again = try StudyDefinition(json: try JSONReader.parse(written), source: "written")
            fuzzCheck(JSONWriter.compact(again.json) == written, "the study definition written back reads differently: \(written)")
        } catch {
            fuzzFailure("the study definition written back is refused (\(error)): \(written)")
        }
    }
    return 0
}
