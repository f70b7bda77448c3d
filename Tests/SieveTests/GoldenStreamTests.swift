import Sieve
import Testing

/// Every family, through the kernel path, against streams that independent implementations
/// computed: OpenJDK's java.util.Random, C++ `<random>`, numpy, and the Python reference of
/// docs/reference-system.md §2 (which itself checks the reference's published vectors before writing).
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

/// The family bodies instantiated with 8-seed vector lanes compute exactly what the per-thread
/// kernel computes: the proof that the bodies are lane-safe, which the sieve's SIMD path relies on.
@Suite("Vector lanes")
struct VectorLaneTests {
    @Test("8-lane bodies equal the per-thread kernel on every golden case")
    func goldenCases() throws {
        for name in GoldenFile.names {
            for golden in try GoldenFile.load(name).cases {
                let expected = try golden.outputValues()
                let actual = try golden.configuration().outputs(
                    firstSeed: try golden.seedValue(), seedCount: 1, count: expected.count,
                    burn: golden.burn, skip: golden.skip, execution: .vectorLanes)
                #expect(actual == [expected], "\(name): \(golden)")
            }
        }
    }

    @Test("8-lane bodies equal the per-thread kernel over ragged seed ranges", arguments: stateConfigurations + [PRNGConfiguration(.mt19937)])
    func raggedRanges(_ configuration: PRNGConfiguration) throws {
        for (first, count) in [(UInt64(0), 1), (5, 13), (1000, 203), (configuration.family.maxSeed - 20, 21)] {
            let scalar = try configuration.outputs(firstSeed: first, seedCount: count, count: 17, burn: 7, skip: 3)
            let lanes = try configuration.outputs(
                firstSeed: first, seedCount: count, count: 17, burn: 7, skip: 3, execution: .vectorLanes)
            #expect(lanes == scalar, "\(configuration) seeds \(first) + \(count)")
        }
    }
}
