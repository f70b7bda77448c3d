import Sieve
import Testing

/// The product's promise: a seed planted in a noisy history, with a skip, a burn-in and a window
/// that does not start at the beginning, is among the bidirectional survivors, with its skip
/// (``PlantedSeedCase``, which `optimize selftest` runs on the backend a user is about to trust).
@Suite("Planted seeds")
struct PlantedSeedTests {
    @Test("every family has a planted case")
    func everyFamily() {
        #expect(Set(PlantedSeedCase.all.map(\.family)) == Set(PRNGFamily.ID.allCases))
    }

    @Test("the planted seed is a bidirectional survivor at its skip", arguments: PlantedSeedCase.all.map(\.family))
    func plantedSeedSurvives(_ id: PRNGFamily.ID) throws {
        let planted = try #require(PlantedSeedCase.all.first { $0.family == id })
        #expect(try planted.history().replacedIndices.count == 12)
        let survivors = try CPUSieveBackend().survivors(of: try planted.plan(), seeds: planted.seeds)
        let record = try #require(survivors.first { $0.seed == planted.seed }, "\(id): planted seed not found")
        #expect(record.passed.contains(.bidirectional))
        #expect(record.bidirectionalSkip == UInt32(PlantedSeedCase.skip))
        #expect(record.forwardSkip == UInt32(PlantedSeedCase.skip))
        // Chance survivors at 10 of 20 draws mod 1000 are vanishingly rare.
        #expect(survivors.filter { $0.passed.contains(.bidirectional) }.count == 1)
        #expect(planted.problem(in: survivors) == nil)
    }

    @Test("a case names what is wrong when the planted seed is missing, misplaced or not alone")
    func problemsAreNamed() throws {
        let planted = PlantedSeedCase.all[0]
        let survivors = try CPUSieveBackend().survivors(of: try planted.plan(), seeds: planted.seeds)
        let record = try #require(survivors.first { $0.seed == planted.seed })
        #expect(planted.problem(in: []) == "the planted seed is not a survivor")
        var moved = record
        moved.forwardSkip = 4
        #expect(planted.problem(in: [moved])?.contains("skip 4") == true)
        var other = record
        other.seed += 1
        #expect(planted.problem(in: [record, other])?.contains("2 bidirectional survivors") == true)
    }
}
