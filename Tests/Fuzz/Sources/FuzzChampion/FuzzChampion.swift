import Foundation
import Sieve
import WindowSearch
import FuzzSupport

/// A champion file (`Champion(bytes:)`, as `ChampionLoader.load` reads `champions/NAME.json`):
/// refused with an `invalidChampion` error, or read as a champion whose content hash is the one
/// the file states, whose configuration a sieve can run, and whose file, written back, reads again
/// as the same champion with the same hash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = fuzzBytes(start, count)
    let champion: Champion
    do {
        champion = try Champion(bytes: bytes, source: "champion.json")
    } catch {
        fuzzCheck(error.kind == .invalidChampion, "refused with \(error.kind), not invalidChampion: \(error)")
        return 0
    }
    let stated = (try? JSONReader.parse(bytes))?["content_hash"]?.string
    fuzzCheck(stated == champion.contentHash, "read with content hash \(champion.contentHash), the file states \(stated ?? "none")")
    fuzzCheck((try? champion.configuration.sieveParameters()) != nil, "a champion no sieve can run was read")
    do {
        let again = try Champion(bytes: champion.fileBytes, source: "written", expectedName: champion.name)
        fuzzCheck(again == champion && again.contentHash == champion.contentHash, "the champion written back reads differently")
    } catch {
        fuzzFailure("the champion written back is refused (\(error))")
    }
    return 0
}
