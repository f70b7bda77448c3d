import Sieve
import Study
@testable import WindowSearch
import FuzzSupport

/// The bounds of a search over the fixture history, with which its trial records are read.
let bounds = SearchBounds.defaults(shape: HistoryShape(history: fixtureHistory), prng: "java_lcg", referenceMode: false)

/// A search run's trial records (`trials.journal`: Journal.parse of raw bytes or of lines given
/// their checksums, then the records as SearchRun reads them, `TrialOutcome` through
/// `RunFileCoding.decoder(bounds:)`): trials 0, 1, 2, …, and each outcome, encoded as the run
/// writes it, decodes again and encodes to the same JSON.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = fuzzJournal(fuzzBytes(start, count))
    guard let contents = try? Journal.parse(bytes, source: "trials.journal", damage: .damagedOutputDirectory) else { return 0 }
    let outcomes: [TrialOutcome]
    do { outcomes = try SearchRun.outcomes(in: contents.records, path: "trials.journal", bounds: bounds) } catch {
        return 0
    }
    let decoder = RunFileCoding.decoder(bounds: bounds)
    for (index, outcome) in outcomes.enumerated() {
        fuzzCheck(outcome.trial == index, "record \(index) is trial \(outcome.trial)")
        do {
            let json = try RunFileCoding.encoder.encode(outcome)
            let again = try decoder.decode(TrialOutcome.self, from: json, source: "re-encoded")
            let json2 = try RunFileCoding.encoder.encode(again)
            fuzzCheck(json == json2, "trial \(index) encodes differently once re-read:\n\(json.text)\n\(json2.text)")
        } catch {
            fuzzFailure("trial \(index), as the run writes it, is not read back: \(error)")
        }
    }
    return 0
}
