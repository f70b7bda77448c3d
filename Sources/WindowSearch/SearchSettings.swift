import Foundation
import Sieve
import Study

/// Everything a window search is run with, apart from what it searches: the history, the fixed
/// sieve options, the objective, the trial count, the sampler's seed, and the bounds. `run.json`
/// holds it; a resumed run reads it back, so that it continues exactly where the first left off.
public struct SearchSettings: Sendable {
    /// The version of the run directory's layout and records.
    public static let format = "optimize-search 1"
    /// Seeds per journaled chunk of a trial's sweep, unless `--chunk-size` says otherwise.
    public static let defaultChunkSize: UInt64 = 1 << 18
    /// The family-wise error rate of significance claims, unless `--alpha` says otherwise.
    public static let defaultAlpha = 0.01

    /// The draw history as the user named it, and its absolute path.
    public var historyFile: String
    public var historyPath: String
    /// The history's format when given explicitly (`nil`: from the file name).
    public var historyFormat: DrawHistory.Format?
    public var newestFirst: Bool
    /// SHA-256 of the history file: a resume refuses a changed file.
    public var historyChecksum: String
    /// The family given with `--prng`, and its parameters (which apply to it alone; other families
    /// of the bounds take their defaults).
    public var prng: String
    public var prngParameters: [String: UInt64]
    public var modulus: UInt64
    public var seeds: SeedRange
    public var referenceMode: Bool
    /// Test the reverse window over every seed (reports reverse-only survivors too).
    public var fullReverse: Bool
    public var backend: String
    public var objective: Objective
    /// The family-wise error rate of significance claims over the run's trials.
    public var alpha: Double
    public var trials: Int
    public var samplerSeed: UInt64
    /// Seeds per journaled chunk of each trial's sweep.
    public var chunkSize: UInt64
    /// Seeds of each trial's empirical chance calibration (blocks of 65,536).
    public var chanceSampleSize: Int
    public var bounds: SearchBounds

    public init(historyFile: String, historyPath: String, historyFormat: DrawHistory.Format?, newestFirst: Bool,
                historyChecksum: String, prng: String, prngParameters: [String: UInt64], modulus: UInt64, seeds: SeedRange,
                referenceMode: Bool, fullReverse: Bool, backend: String, objective: Objective, alpha: Double, trials: Int,
                samplerSeed: UInt64, chunkSize: UInt64, chanceSampleSize: Int = SieveSweep.defaultChanceSampleSize,
                bounds: SearchBounds) {
        self.historyFile = historyFile
        self.historyPath = historyPath
        self.historyFormat = historyFormat
        self.newestFirst = newestFirst
        self.historyChecksum = historyChecksum
        self.prng = prng
        self.prngParameters = prngParameters
        self.modulus = modulus
        self.seeds = seeds
        self.referenceMode = referenceMode
        self.fullReverse = fullReverse
        self.backend = backend
        self.objective = objective
        self.alpha = alpha
        self.trials = trials
        self.samplerSeed = samplerSeed
        self.chunkSize = chunkSize
        self.chanceSampleSize = chanceSampleSize
        self.bounds = bounds
    }

    /// The significance level: −log10(α / trials).
    public var level: Double { Significance.level(alpha: alpha, trials: trials) }

    /// The family configuration a trial uses.
    public func configuration(for family: String) throws(InputError) -> PRNGConfiguration {
        let resolved = try PRNGFamily.named(family, source: "prng")
        let own = try PRNGFamily.named(prng)
        return try PRNGConfiguration(family: resolved, parameters: resolved == own ? prngParameters : [:])
    }

    /// Checks the sieving options a search and a campaign share: α, the chunk size and the chance
    /// calibration's sample.
    ///
    /// - Throws: ``InputError`` `invalidOption`, naming the option.
    public static func validateSieving(alpha: Double, chunkSize: UInt64, chanceSampleSize: Int) throws(InputError) {
        guard alpha > 0, alpha < 1 else {
            throw InputError(.invalidOption, source: "--alpha", problem: "\(alpha) is not within (0, 1)", fix: "give a level such as 0.01")
        }
        guard chunkSize >= 1 else {
            throw InputError(.invalidOption, source: "--chunk-size", problem: "0 seeds per chunk", fix: "give at least 1")
        }
        guard chanceSampleSize >= 1 << 16 else {
            throw InputError(.invalidOption, source: "--chance-sample", problem: "\(chanceSampleSize) seeds",
                             fix: "give at least 65536 (the calibration sieves blocks of 65,536 seeds)")
        }
    }

    /// Checks the settings that do not depend on a trial: the trial count, α, the seed range against
    /// every family of the bounds, and the bounds against the history.
    public func validate(shape: HistoryShape, boundsSource: String) throws(InputError) {
        guard trials >= 1 else {
            throw InputError(.invalidOption, source: "--trials", problem: "\(trials) trials", fix: "give at least 1 trial")
        }
        try SearchSettings.validateSieving(alpha: alpha, chunkSize: chunkSize, chanceSampleSize: chanceSampleSize)
        guard (2...(UInt64(1) << 32)).contains(modulus) else {
            throw InputError(.invalidOption, source: "--modulus", problem: "modulus \(modulus) is outside 2 ... 2^32",
                             fix: "give a modulus from 2 to 4294967296")
        }
        if case .band(let low, let high) = objective, low < 0 || low > high {
            throw InputError(.invalidOption, source: "--band", problem: "\(low)...\(high) is not a band of counts",
                             fix: "give low...high with 0 ≤ low ≤ high")
        }
        _ = try configuration(for: prng)
        try bounds.validate(shape: shape, referenceMode: referenceMode, source: boundsSource)
        for name in bounds.prngs {
            let family = try PRNGFamily.named(name, source: "\(boundsSource): prng")
            guard seeds.last <= family.maxSeed else {
                throw InputError(.seedRangeBeyondWidth, source: "--seeds",
                                 problem: "\(seeds) reaches past \(family.name)'s \(family.seedBits)-bit seeds",
                                 fix: "end the range at 2^\(family.seedBits) at most, or drop \(family.name) from the bounds")
            }
        }
    }

    // MARK: - JSON

    /// What determines a run's results: two runs with equal identities write equal trial
    /// journals, best.json and survivor files.
    public var identity: JSONValue {
        var objectiveMembers: [(key: String, value: JSONValue)] = [("name", .string(objective.name)), ("alpha", .double(alpha))]
        if case .band(let low, let high) = objective { objectiveMembers.append(("band", .array([.integer(low), .integer(high)]))) }
        return .object([
            ("history_sha256", .string(historyChecksum)),
            ("history_format", historyFormat.map { .string($0.rawValue) } ?? .null),
            ("newest_first", .bool(newestFirst)),
            ("prng", .string(prng)),
            ("prng_parameters", .object(prngParameters.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.unsigned($0.value)) })),
            ("modulus", .unsigned(modulus)),
            ("seeds", .string(seeds.description)),
            ("reference_mode", .bool(referenceMode)),
            ("reverse_scope", .string(fullReverse ? "full-range" : "forward-survivors")),
            ("objective", .object(objectiveMembers)),
            ("trials", .integer(trials)),
            ("sampler_seed", .unsigned(samplerSeed)),
            ("chunk_size", .unsigned(chunkSize)),
            ("chance_sample_size", .integer(chanceSampleSize)),
            ("bounds", bounds.json),
        ])
    }

    /// Names of the identity's fields that differ from `other`'s.
    public func differences(from other: SearchSettings) -> [String] {
        guard case .object(let mine) = identity, case .object(let theirs) = other.identity else { return [] }
        return zip(mine, theirs).filter { $0.value != $1.value }.map(\.0.key)
    }

    /// The entries of the bounds that take one value only, with that value.
    var fixedParameters: [(key: String, value: JSONValue)] {
        var fixed: [(key: String, value: JSONValue)] = []
        let b = bounds
        for (entry, range) in [(SearchBounds.Entry.windowSize, b.windowSize), (.offset, b.offset), (.burn, b.burn),
                               (.skipMin, b.skipMin), (.skipMax, b.skipMax)] where range.isFixed {
            fixed.append((entry.rawValue, .integer(range.low)))
        }
        for (entry, range) in [(SearchBounds.Entry.forwardThreshold, b.forwardThreshold), (.reverseThreshold, b.reverseThreshold)]
        where range.low == range.high {
            fixed.append((entry.rawValue, .string(range.decimal(range.low))))
        }
        if b.sessions.count == 1 { fixed.append((SearchBounds.Entry.sessions.rawValue, b.sessions[0].json)) }
        if b.prngs.count == 1 { fixed.append((SearchBounds.Entry.prng.rawValue, .string(b.prngs[0]))) }
        return fixed
    }

    /// The settings `run.json` holds.
    ///
    /// - Throws: ``InputError`` (`invalidRun`) naming the field.
    public init(runFile file: RunFile, source: String) throws(InputError) {
        func fail(_ field: String, _ problem: String = "is malformed") -> InputError {
            InputError(.invalidRun, source: "\(source): \(field)", problem: problem,
                       fix: "restore run.json; optimize writes it when a search starts and never needs it edited")
        }
        var format: DrawHistory.Format?
        if let given = file.history.formatGiven {
            guard let parsed = DrawHistory.Format(rawValue: given) else { throw fail("history.format_given") }
            format = parsed
        }
        // Checked against the families' widths when the run started; read at 64 bits here.
        guard let seeds = try? SeedRange.parse(file.seeds, family: .family(.xoshiro256pp), option: "seeds") else { throw fail("seeds") }
        guard ["full-range", "forward-survivors"].contains(file.reverseScope) else { throw fail("reverse_scope") }
        let objective: Objective
        switch file.objective.name {
        case "significance": objective = .significance
        case "count": objective = .count
        case "band":
            guard let band = file.objective.band, band.count == 2 else { throw fail("objective.band") }
            objective = .band(low: band[0], high: band[1])
        default: throw fail("objective.name", "\"\(file.objective.name)\" is not an objective")
        }
        // Every entry is present in a run's bounds: read them over placeholders.
        let placeholder = SearchBounds(
            windowSize: .init(1, 1), offset: .init(0, 0), burn: .init(0, 0), skipMin: .init(0, 0), skipMax: .init(0, 0),
            forwardThreshold: .init(1, 1), reverseThreshold: .init(1, 1), sessions: ["all"], prngs: [file.prng.family])
        let bounds: SearchBounds
        do { bounds = try SearchBounds.read(file.bounds, source: "\(source): bounds", over: placeholder) } catch {
            throw InputError(.invalidRun, source: error.source, problem: error.problem, fix: "restore run.json")
        }
        self.init(historyFile: file.history.file, historyPath: file.history.path, historyFormat: format,
                  newestFirst: file.history.newestFirst, historyChecksum: file.history.sha256, prng: file.prng.family,
                  prngParameters: file.prng.parameters, modulus: file.modulus, seeds: seeds, referenceMode: file.referenceMode,
                  fullReverse: file.reverseScope == "full-range", backend: file.backend, objective: objective,
                  alpha: file.objective.alpha, trials: file.trials, samplerSeed: file.sampler.seed, chunkSize: file.chunkSize,
                  chanceSampleSize: file.chanceSampleSize, bounds: bounds)
    }
}
