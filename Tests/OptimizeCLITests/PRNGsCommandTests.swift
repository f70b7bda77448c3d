import Foundation
import Testing

@Suite("optimize prngs")
struct PRNGsCommandTests {
    struct Family: Decodable {
        struct Parameter: Decodable {
            let name: String
            let `default`: UInt64
        }
        let name: String
        let seed_bits: Int
        let output_bits: Int
        let parameters: [Parameter]
        let invertible: String
        let jump_ahead: Bool
    }

    @Test("--json lists the eleven families with their widths and parameters")
    func json() throws {
        let result = try Optimize.run(["prngs", "--json"])
        #expect(result.status == 0)
        let families = try JSONDecoder().decode([Family].self, from: Data(result.stdout.utf8))
        #expect(families.map(\.name) == [
            "xorshift32", "xorshift64", "xorshift128", "pcg32", "lcg32", "java_lcg", "minstd", "mt19937",
            "xoshiro256pp", "philox4x32", "sfc64",
        ])
        let lcg = try #require(families.first { $0.name == "lcg32" })
        #expect(lcg.parameters.map(\.name) == ["a", "c", "m"])
        #expect(lcg.parameters.map(\.default) == [1_103_515_245, 12345, 2_147_483_647])
        #expect(lcg.invertible == "conditional")
        #expect(families.first { $0.name == "mt19937" }?.invertible == "never")
        #expect(families.first { $0.name == "sfc64" }?.output_bits == 64)
    }

    @Test("the table names every family and the deviations from published algorithms")
    func table() throws {
        let result = try Optimize.run(["prngs"])
        #expect(result.status == 0)
        for name in ["xorshift32", "java_lcg", "philox4x32", "sfc64"] {
            #expect(result.stdout.contains(name))
        }
        #expect(result.stdout.contains("not xorshift64*"))
    }
}
