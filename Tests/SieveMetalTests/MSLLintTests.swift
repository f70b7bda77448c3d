import Foundation
import SieveMetal
import Testing

/// The MSL lint (Scripts/msl/msl-lint.py, docs/msl-rules.md): the rules the strict compile cannot
/// enforce alone, above all recursion and each kernel's private-memory budget.
@Suite("MSL lint")
struct MSLLintTests {
    @Test("the shaders keep every rule, and every kernel states a budget its private arrays fit in")
    func shadersPass() throws {
        try #require(MSLChecks.onPath("clang") != nil, Comment(rawValue: MSLChecks.missingClang))
        let result = try MSLChecks.runLint([])
        // The table of every kernel's private arrays against its budget, for the log.
        print(result.output)
        #expect(result.status == 0, "the lint found broken rules:\n\(result.output)")
        let rows = result.output.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true) }
        let reported = Dictionary(rows.filter { $0.count >= 5 && $0[0].hasSuffix(".metal") }.map { (String($0[1]), String($0.last!)) },
                                  uniquingKeysWith: { first, _ in first })
        // Every kernel the host can dispatch has a row, within budget.
        for kernel in ShaderSource.kernelNames {
            #expect(reported[kernel] == "ok", "\(kernel): \(reported[kernel] ?? "no row")")
        }
    }

    @Test("the embedded library text passes the lint as the files do")
    func embeddedPasses() throws {
        try #require(MSLChecks.onPath("clang") != nil, Comment(rawValue: MSLChecks.missingClang))
        let scratch = try MSLChecks.scratchDirectory("msl-lint")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let result = try MSLChecks.runLint([try MSLChecks.embeddedLibrary(in: scratch)])
        #expect(result.status == 0, "\(result.output)")
        for kernel in ShaderSource.kernelNames {
            #expect(result.output.contains(" \(kernel) "), "\(kernel) missing from the lint's table")
        }
    }

    @Test("each lint fixture is caught by the rule its header names",
          arguments: MSLFixture.all.filter { if case .lint = $0.check { true } else { false } })
    func fixtureCaught(_ fixture: MSLFixture) throws {
        try #require(MSLChecks.onPath("clang") != nil, Comment(rawValue: MSLChecks.missingClang))
        guard case .lint(let rule) = fixture.check else { return }
        let result = try MSLChecks.runLint([fixture.url])
        #expect(result.status == 1, "\(fixture.name): status \(result.status)\n\(result.output)")
        #expect(result.output.contains(": \(rule): "), "\(fixture.name) not caught by rule \(rule):\n\(result.output)")
    }

    @Test("every rule of the lint has a fixture it catches")
    func everyRuleHasAFixture() {
        let rules = MSLFixture.all.compactMap { fixture -> String? in
            if case .lint(let rule) = fixture.check { rule } else { nil }
        }
        let lintRules: Set = ["address-space", "exceptions", "rtti", "double", "atomic64", "allocation", "recursion", "private-memory"]
        #expect(Set(rules) == lintRules)
    }
}
