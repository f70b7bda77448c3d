import Sieve
import Testing

/// Every family, through the kernel path, against streams that independent implementations
/// computed: OpenJDK's java.util.Random, C++ `<random>`, numpy, and the Python reference of
/// REFERENCE.md §2 (which itself checks the reference's published vectors before writing).
@Suite("Golden streams from independent implementations")
struct GoldenStreamTests {
    @Test("kernel streams equal the golden file", arguments: GoldenFile.names)
    func goldenFile(_ name: String) throws {
        let file = try GoldenFile.load(name)
        #expect(file.cases.count >= 20, "\(name) holds too few cases")
        for golden in file.cases {
            let configuration = try golden.configuration()
            let expected = try golden.outputValues()
            let actual = try configuration.outputs(
                seed: try golden.seedValue(), count: expected.count, burn: golden.burn, skip: golden.skip)
            #expect(actual == expected, "\(name): \(golden)")
        }
    }

    @Test("every family is covered by the Python reference, and the real libraries cover their families")
    func coverage() throws {
        let reference = try GoldenFile.load("python_reference.json")
        #expect(Set(reference.cases.map(\.family)) == Set(PRNGFamily.ID.allCases.map(\.rawValue)))
        #expect(Set(try GoldenFile.load("jdk_java_random.json").cases.map(\.family)) == ["java_lcg"])
        #expect(Set(try GoldenFile.load("cpp_random.json").cases.map(\.family)) == ["mt19937", "minstd"])
        #expect(Set(try GoldenFile.load("numpy.json").cases.map(\.family)) == ["mt19937", "sfc64"])
    }

    @Test("the same streams, many seeds at once, equal the one-seed streams")
    func batchedSeedsMatchSingleSeeds() throws {
        for family in PRNGFamily.all {
            let configuration = PRNGConfiguration(family.id)
            let first = family.maxSeed - 40  // up to the last seed
            let batch = try configuration.outputs(firstSeed: first, seedCount: 41, count: 9, burn: 3, skip: 2)
            for (offset, outputs) in batch.enumerated() {
                let single = try configuration.outputs(seed: first + UInt64(offset), count: 9, burn: 3, skip: 2)
                #expect(outputs == single, "\(family.name) seed \(first + UInt64(offset))")
            }
        }
    }
}
