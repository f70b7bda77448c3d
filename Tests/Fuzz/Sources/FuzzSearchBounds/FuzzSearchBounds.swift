import Sieve
import Study
import WindowSearch
import FuzzSupport

/// The history a search is checked against, and the defaults a bounds file is read over: those of
/// a search of the fixture history.
let shape = HistoryShape(history: fixtureHistory)
let defaults = SearchBounds.defaults(shape: shape, prng: "java_lcg", referenceMode: false)

/// A bounds file (`SearchBounds.load` from a file of fuzzed bytes, so through `SearchBounds.read`):
/// what is read, written back as a bounds file, reads again as equal bounds; bounds that pass
/// `validate` (in either mode) make a search space.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let path = fuzzFile("bounds.json", fuzzBytes(start, count))
    guard let bounds = try? SearchBounds.load(path: path, over: defaults) else { return 0 }
    let written = JSONWriter.pretty(bounds.json)
    do {
        let again = try SearchBounds.read(try JSONReader.parse(written), source: "written", over: defaults)
        fuzzCheck(again == bounds, "the bounds written back read differently: \(written)")
    } catch {
        fuzzFailure("the bounds written back are refused (\(error)): \(written)")
    }
    for referenceMode in [false, true] {
        guard (try? bounds.validate(shape: shape, referenceMode: referenceMode, source: "bounds.json")) != nil else { continue }
        let space = bounds.space
        fuzzCheck(space.parameters.count == 9, "the space of valid bounds has \(space.parameters.count) parameters")
    }
    return 0
}
