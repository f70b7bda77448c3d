@testable import Sieve
import Study
@testable import WindowSearch
import FuzzSupport

/// The bounds trial records are decoded with: those of a search of the fixture history.
let bounds = SearchBounds.defaults(shape: HistoryShape(history: fixtureHistory), prng: "java_lcg", referenceMode: false)

/// Decodes `type` from `json` with `decoder`; what decodes, encoded with `encoder`, decodes again
/// and encodes to the same JSON.
func roundTrip<T: Codable>(_ type: T.Type, _ json: JSONValue, _ decoder: JSONValueDecoder, _ encoder: JSONValueEncoder) {
    guard let value = try? decoder.decode(type, from: json) else { return }
    do {
        let encoded = try encoder.encode(value)
        let again = try decoder.decode(type, from: encoded, source: "re-encoded")
        let encodedAgain = try encoder.encode(again)
        fuzzCheck(encoded == encodedAgain, "\(T.self) encodes differently once re-read:\n\(encoded.text)\n\(encodedAgain.text)")
    } catch {
        fuzzFailure("\(T.self), as written, is not read back: \(error)")
    }
}

/// The Codable bridge (JSONValueDecoder, and JSONValueEncoder for the way back) on fuzzed JSON,
/// decoding the records the sweep and the search files hold. The first byte chooses the record
/// type; the rest is the JSON.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = fuzzBytes(start, count)
    guard let mode = bytes.first, let json = try? JSONReader.parse(bytes.dropFirst()) else { return 0 }
    let sweep = (SweepFileCoding.decoder, SweepFileCoding.encoder)
    let run = (RunFileCoding.decoder(bounds: bounds), RunFileCoding.encoder)
    switch mode % 8 {
    case 0: roundTrip(SweepJournal.Entry.self, json, sweep.0, sweep.1)
    case 1: roundTrip(SweepSummary.self, json, sweep.0, sweep.1)
    case 2: roundTrip(SweepManifest.self, json, sweep.0, sweep.1)
    case 3: roundTrip(EffectiveSieveParameters.self, json, sweep.0, sweep.1)
    case 4: roundTrip(TrialOutcome.self, json, run.0, run.1)
    case 5: roundTrip(TrialOutcome.Sieve.self, json, run.0, run.1)
    case 6: roundTrip([String: UInt64].self, json, sweep.0, sweep.1)
    default: roundTrip([Int?].self, json, JSONValueDecoder(), JSONValueEncoder())
    }
    return 0
}
