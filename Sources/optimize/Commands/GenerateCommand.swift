import ArgumentParser
import Foundation
import Sieve

/// `optimize generate`: writes a draw history from a planted seed.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a draw history generated from a known seed (to plant seeds for a sieve).",
        discussion: """
            Draw j is out_{burn + (j+1)(skip+1)} mod M of the seed's stream: burn outputs are \
            discarded after seeding, then each draw discards skip outputs and takes the next one \
            (docs/semantics.md §2). With --noise p, round(p·count) draws, chosen by a generator seeded \
            with --noise-seed, are replaced by a different random residue; their indices are \
            reported on standard error.

            Integers may be written in decimal, hexadecimal (0x…) or as powers of two (2^32).
            """)

    @OptionGroup var family: FamilyOptions

    @Option(parsing: .unconditional, help: "The planted seed.")
    var seed: String

    @Option(parsing: .unconditional, help: "How many draws to write.")
    var count: String

    @Option(parsing: .unconditional, help: "Outputs discarded before each draw.")
    var skip: String = "0"

    @Option(parsing: .unconditional, help: "Outputs discarded after seeding, before the first draw's stream.")
    var burn: String = "0"

    @Option(parsing: .unconditional, help: "Draws are outputs mod M, 2 ... 2^32.")
    var modulus: String = "1000"

    @Option(parsing: .unconditional, help: "The fraction of draws to replace with other residues, 0 ... 1.")
    var noise: String?

    @Option(parsing: .unconditional, help: "Seeds the noise generator (required with --noise).")
    var noiseSeed: String?

    @Option(help: "The output format: json (the reference's format), csv or text (one draw per line).")
    var format: DrawHistoryFormat = .json

    @Option(help: "The session name recorded with each draw (json and csv).")
    var session: String = "midday"

    @Option(help: "Write the history to this file (replaced atomically) instead of standard output.")
    var out: String?

    func validate() throws {
        try validating { () throws(InputError) in
            if noise == nil, noiseSeed != nil {
                throw InputError(
                    .invalidOption, source: "--noise-seed", problem: "given without --noise",
                    fix: "add --noise p (the fraction of draws to replace), or drop --noise-seed")
            }
            if noise != nil, noiseSeed == nil {
                throw InputError(
                    .invalidOption, source: "--noise", problem: "noise needs a seed of its own",
                    fix: "add --noise-seed x, so that the same command always replaces the same draws")
            }
        }
    }

    func run() throws {
        try reportingErrors {
            let configuration = try family.configuration()
            let seedValue = try parseUnsignedInteger(seed, option: "--seed", kind: .invalidSeed)
            let countValue = try parseUnsignedInteger(count, option: "--count")
            let history = try PlantedHistory(
                configuration: configuration,
                seed: seedValue,
                count: Int(clamping: countValue),
                burn: try parseUnsignedInteger(burn, option: "--burn"),
                skip: try parseUnsignedInteger(skip, option: "--skip"),
                modulus: try parseUnsignedInteger(modulus, option: "--modulus"),
                noise: try parseNoise())
            let text = format.encode(history.draws, session: session)
            if let out {
                try AtomicFile.write(Array(text.utf8), to: FilePath(out))
                StandardError.write(
                    "wrote \(history.draws.count) draws of \(configuration) seed \(seedValue) "
                        + "(burn \(history.burn), skip \(history.skip), mod \(history.modulus)) to \(out)")
            } else {
                FileHandle.standardOutput.write(Data(text.utf8))
            }
            if let noise = history.noise {
                let indices = history.replacedIndices.map(String.init).joined(separator: ", ")
                StandardError.write(
                    "noise: replaced \(history.replacedIndices.count) of \(history.draws.count) draws "
                        + "(fraction \(noise.fraction), noise seed \(noise.seed)) at indices: \(indices)")
            }
        }
    }

    private func parseNoise() throws(InputError) -> PlantedHistory.Noise? {
        // validate() has checked that --noise and --noise-seed come together.
        guard let noise, let noiseSeed else { return nil }
        guard let fraction = Double(noise), fraction.isFinite else {
            throw InputError(
                .invalidOption, source: "--noise", problem: "'\(noise)' is not a number",
                fix: "give the fraction of draws to replace, from 0 to 1 (0.2 replaces 20 %)")
        }
        return PlantedHistory.Noise(
            fraction: fraction, seed: try parseUnsignedInteger(noiseSeed, option: "--noise-seed"))
    }
}
