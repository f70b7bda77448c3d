import Foundation
import Sieve
import Testing

@Suite("The family catalogue")
struct CatalogueTests {
    /// The rows of README.md's "The families" table, the catalogue as users read it:
    /// `| family | seed | output | parameters (defaults) | inverse step | jump-ahead |`.
    static func readmeFamilyTable() throws -> [[String]] {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        let section = try #require(text.components(separatedBy: "\n## The families\n").dropFirst().first, "README.md has no families section")
        let lines = section.components(separatedBy: "\n").drop { !$0.hasPrefix("| family | seed |") }.prefix { $0.hasPrefix("|") }
        #expect(lines.count > 2, "README.md's families table is missing")
        return lines.dropFirst(2).map { line in
            line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast()
                .map { $0.trimmingCharacters(in: .whitespaces) }
        }
    }

    @Test("the catalogue is the README's table of families: the same families in the same order, seed widths and jump-ahead")
    func matchesReadme() throws {
        let rows = try Self.readmeFamilyTable()
        #expect(rows.map { $0.first ?? "" } == PRNGFamily.all.map(\.name))
        for row in rows {
            guard row.count == 6, let family = PRNGFamily.lookup(row[0]) else {
                Issue.record("README.md lists '\(row.first ?? "")', which is no family of the catalogue (row \(row))")
                continue
            }
            #expect(row[0] == family.name, "README.md names \(family.name) '\(row[0])'")
            #expect(row[1] == "\(family.seedBits)", "\(family.name): README.md says \(row[1])-bit seeds, the catalogue \(family.seedBits)")
            #expect(row[5].hasPrefix("yes") == family.hasJumpAhead, "\(family.name): README.md says jump-ahead '\(row[5])'")
        }
    }

    @Test("lists the eleven families once each, in kernel order")
    func elevenFamilies() {
        #expect(PRNGFamily.all.map(\.name) == [
            "xorshift32", "xorshift64", "xorshift128", "pcg32", "lcg32", "java_lcg", "minstd", "mt19937",
            "xoshiro256pp", "philox4x32", "sfc64",
        ])
    }

    @Test("names and aliases resolve, ignoring case, '-' and '_', and never collide")
    func namesResolve() throws {
        var seen: [String: PRNGFamily.ID] = [:]
        for family in PRNGFamily.all {
            for name in [family.name] + family.aliases {
                #expect(PRNGFamily.lookup(name)?.id == family.id, "\(name)")
                #expect(PRNGFamily.lookup(name.uppercased())?.id == family.id, "\(name)")
                let key = name.lowercased().filter { $0 != "-" && $0 != "_" }
                #expect(seen[key] == nil || seen[key] == family.id, "\(name) names two families")
                seen[key] = family.id
            }
        }
        #expect(PRNGFamily.lookup("Xoshiro256++")?.id == .xoshiro256pp)
        #expect(PRNGFamily.lookup("java-lcg")?.id == .java_lcg)
    }

    @Test("an unknown family is an input error that lists the known ones")
    func unknownFamily() {
        #expect(throws: InputError.self) { try PRNGFamily.named("randu") }
        do {
            _ = try PRNGFamily.named("randu")
        } catch {
            #expect(error.kind == .unknownFamily)
            #expect(error.description.contains("mt19937"))
        }
    }

    @Test("seed and output widths follow docs/reference-system.md §2")
    func widths() {
        let seed64: Set<PRNGFamily.ID> = [.xorshift64, .java_lcg, .xoshiro256pp, .philox4x32, .sfc64]
        let output64: Set<PRNGFamily.ID> = [.xorshift64, .xoshiro256pp, .sfc64]
        for family in PRNGFamily.all {
            #expect(family.seedBits == (seed64.contains(family.id) ? 64 : 32), "\(family.name)")
            let expectedBits = output64.contains(family.id) ? 64 : family.id == .minstd ? 31 : 32
            #expect(family.outputBits == expectedBits, "\(family.name)")
        }
        #expect(PRNGFamily.family(.mt19937).maxSeed == 0xFFFF_FFFF)
        #expect(PRNGFamily.family(.sfc64).maxSeed == .max)
    }

    @Test("parameters: defaults, unknown names and out-of-range values")
    func parameters() throws {
        let lcg = PRNGConfiguration(.lcg32)
        #expect(lcg.parameters == ["a": 1_103_515_245, "c": 12345, "m": 0x7FFF_FFFF])
        #expect(PRNGConfiguration(.xorshift32).parameters == ["a": 13, "b": 17, "c": 5])
        #expect(PRNGConfiguration(.pcg32).parameters == ["increment": 1_442_695_040_888_963_407])
        #expect(PRNGConfiguration(.java_lcg).parameters == ["a": 25_214_903_917, "c": 11])
        #expect(PRNGConfiguration(.mt19937).parameters.isEmpty)

        #expect(throws: InputError.self) { try PRNGConfiguration(family: .family(.lcg32), parameters: ["q": 1]) }
        #expect(throws: InputError.self) { try PRNGConfiguration(family: .family(.lcg32), parameters: ["m": 1]) }
        #expect(throws: InputError.self) { try PRNGConfiguration(family: .family(.lcg32), parameters: ["a": 1 << 32]) }
        #expect(throws: InputError.self) { try PRNGConfiguration(family: .family(.xorshift32), parameters: ["a": 0]) }
        #expect(throws: InputError.self) { try PRNGConfiguration(family: .family(.xorshift32), parameters: ["b": 32]) }
        #expect(throws: InputError.self) { try PRNGConfiguration(family: .family(.mt19937), parameters: ["a": 1]) }
        #expect(throws: InputError.self) { try PRNGConfiguration(family: .family(.java_lcg), parameters: ["c": 1 << 48]) }
        let changed = try PRNGConfiguration(family: .family(.lcg32), parameters: ["m": 0])
        #expect(changed.description == "lcg32(m=0)")
    }

    @Test("jump-ahead is offered by the affine families and philox4x32")
    func jumpAhead() {
        let jumping = PRNGFamily.all.filter(\.hasJumpAhead).map(\.id)
        #expect(Set(jumping) == [.lcg32, .java_lcg, .minstd, .pcg32, .philox4x32])
    }
}
