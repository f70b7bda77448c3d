import ArgumentParser
import Foundation
import Sieve

/// `optimize prngs`: the family catalogue.
struct PRNGsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prngs",
        abstract: "List the PRNG families, their widths, parameters and capabilities.")

    @Flag(help: "Print the catalogue as JSON.")
    var json = false

    func run() throws {
        if json {
            print(try Self.json(PRNGFamily.all))
        } else {
            print(Self.table(PRNGFamily.all))
        }
    }

    static func table(_ families: [PRNGFamily]) -> String {
        var rows = [["FAMILY", "ALIASES", "SEED", "OUTPUT", "PARAMETERS (defaults)", "INVERSE", "JUMP"]]
        for family in families {
            let parameters = family.parameters.map { "\($0.name)=\($0.defaultValue)" }.joined(separator: " ")
            let inverse: String
            switch family.inverse {
            case .always: inverse = "yes"
            case .when: inverse = "if params"
            case .never: inverse = "no"
            }
            rows.append([
                family.name, family.aliases.joined(separator: ", "), "\(family.seedBits)-bit",
                "\(family.outputBits)-bit", parameters.isEmpty ? "-" : parameters, inverse,
                family.hasJumpAhead ? "yes" : "no",
            ])
        }
        var lines = TextTable.render(rows)
        lines.append("")
        for family in families {
            lines.append("\(family.name): \(family.summary)")
            if let deviation = family.deviation {
                lines.append("    differs from the published algorithm: \(deviation)")
            }
            if case .when(let condition) = family.inverse {
                lines.append("    inverse step exists when \(condition)")
            }
            if case .never(let reason) = family.inverse {
                lines.append("    no inverse step: \(reason)")
            }
        }
        return lines.joined(separator: "\n")
    }

    struct FamilyRecord: Encodable {
        struct Parameter: Encodable {
            let name: String
            let `default`: UInt64
            let min: UInt64
            let max: UInt64
            let summary: String
        }
        let name: String
        let aliases: [String]
        let seed_bits: Int
        let output_bits: Int
        let parameters: [Parameter]
        let invertible: String
        let inverse_condition: String?
        let jump_ahead: Bool
        let summary: String
        let deviation: String?

        enum CodingKeys: String, CodingKey {
            case name, aliases, seed_bits, output_bits, parameters, invertible, inverse_condition, jump_ahead, summary, deviation
        }

        // Absent values are written as null, so that every record has the same keys.
        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(aliases, forKey: .aliases)
            try container.encode(seed_bits, forKey: .seed_bits)
            try container.encode(output_bits, forKey: .output_bits)
            try container.encode(parameters, forKey: .parameters)
            try container.encode(invertible, forKey: .invertible)
            try container.encode(inverse_condition, forKey: .inverse_condition)
            try container.encode(jump_ahead, forKey: .jump_ahead)
            try container.encode(summary, forKey: .summary)
            try container.encode(deviation, forKey: .deviation)
        }
    }

    static func json(_ families: [PRNGFamily]) throws -> String {
        let records = families.map { family in
            var invertible = "always"
            var condition: String?
            switch family.inverse {
            case .always: break
            case .when(let text): (invertible, condition) = ("conditional", text)
            case .never(let reason): (invertible, condition) = ("never", reason)
            }
            return FamilyRecord(
                name: family.name, aliases: family.aliases, seed_bits: family.seedBits, output_bits: family.outputBits,
                parameters: family.parameters.map {
                    .init(name: $0.name, default: $0.defaultValue, min: $0.validValues.lowerBound,
                          max: $0.validValues.upperBound, summary: $0.summary)
                },
                invertible: invertible, inverse_condition: condition, jump_ahead: family.hasJumpAhead,
                summary: family.summary, deviation: family.deviation)
        }
        return try JSONValueEncoder().encode(records).prettyText
    }
}
