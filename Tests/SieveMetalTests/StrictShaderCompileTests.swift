import Foundation
import SieveMetal
import Testing

/// The strict compile (docs/msl-rules.md): the shaders compiled as C++ for OpenCL through the
/// strict prelude, where clang checks MSL's address spaces that the CPU shim erases.
@Suite("Strict shader compile (MSL address spaces kept)")
struct StrictShaderCompileTests {
    @Test("every shader file and the embedded library compile with address spaces checked, warnings as errors")
    func shadersCompile() throws {
        try #require(MSLChecks.onPath("clang") != nil, Comment(rawValue: MSLChecks.missingClang))
        let scratch = try MSLChecks.scratchDirectory("strict-compile")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let files = try FileManager.default.contentsOfDirectory(atPath: ShaderFiles.directory.path)
            .filter { $0.hasSuffix(".metal") }.sorted()
            .map { ShaderFiles.directory.appendingPathComponent($0) }
        #expect(files.count >= 2, "Shaders/ lost its .metal files")
        for unit in files + [try MSLChecks.embeddedLibrary(in: scratch)] {
            let result = try MSLChecks.runStrict([unit])
            #expect(result.status == 0, "\(unit.lastPathComponent) fails the strict compile:\n\(result.output)")
        }
    }

    @Test("rejects an address-space mismatch, a write through constant and a function pointer, which the shim accepts")
    func namedGapsAreFixtures() throws {
        // The three mistakes the issue names: each a fixture that the shim's C++ compile accepts
        // and the strict compile rejects (recursion, the fourth, is the lint's: see MSLLintTests).
        let byName = Dictionary(uniqueKeysWithValues: MSLFixture.all.map { ($0.name, $0) })
        for name in ["device-pointer-as-thread.metal", "write-through-constant.metal", "function-pointer.metal"] {
            let fixture = try #require(byName[name], "missing fixture \(name)")
            #expect(fixture.check == .strict && !fixture.strictAccepts && fixture.shimAccepts, "\(name)")
        }
    }

    @Test("every negative fixture states each check's verdict in its header")
    func fixtureHeaders() {
        #expect(MSLFixture.incomplete.isEmpty, "fixtures without a complete header: \(MSLFixture.incomplete)")
        #expect(MSLFixture.all.count >= 10, "Tests/Fixtures/msl-negative lost its fixtures")
    }

    @Test("each fixture gets the strict compile's verdict its header states", arguments: MSLFixture.all)
    func strictVerdict(_ fixture: MSLFixture) throws {
        try #require(MSLChecks.onPath("clang") != nil, Comment(rawValue: MSLChecks.missingClang))
        let result = try MSLChecks.runStrict([fixture.url])
        if fixture.strictAccepts {
            #expect(result.status == 0, "\(fixture.name) should pass the strict compile:\n\(result.output)")
        } else {
            #expect(result.status == 1 && result.output.contains("error:"),
                    "\(fixture.name) should be rejected by the strict compile (status \(result.status)):\n\(result.output)")
        }
    }

    @Test("each fixture gets the shim's verdict its header states (a gap is only a gap while the shim accepts it)",
          arguments: MSLFixture.all)
    func shimVerdict(_ fixture: MSLFixture) throws {
        let result = try MSLChecks.runShim(fixture.url)
        if fixture.shimAccepts {
            #expect(result.status == 0, "\(fixture.name) should compile through the shim:\n\(result.output)")
        } else {
            #expect(result.status != 0, "\(fixture.name) should be rejected by the shim's compile")
        }
    }
}
