import Sieve

/// The thresholds and confidences the watcher decides with (``Watcher/verdict(_:now:rules:)``): data,
/// not code, so that `optimize status --rules FILE` can change them and `--replay` can show what they
/// would have said. The defaults are the README's table ("Watching a run: optimize status").
///
/// A rules file is a JSON object with any of these fields (snake_case, as in every run file); a
/// field left out keeps its default, an unknown one is refused.
public struct WatcherRules: Codable, Sendable, Equatable {
    /// A running run is stale when nothing changed for longer than `staleness_factor` × its slowest
    /// recent trial …
    public var stalenessFactor: Double = 3
    /// … and never before this many seconds.
    public var minimumStalenessSeconds: Double = 180
    /// How many of the last finished trials "recent" means.
    public var recentTrials: Int = 10

    /// A complete run where a trial claims significance: proceed.
    public var proceedConfidence: Double = 0.95
    /// A complete run where no trial claims significance after all its trials: escalate.
    public var noClaimConfidence: Double = 0.8
    /// A running run, updated recently, where a trial already claims significance: wait.
    public var waitClaimedConfidence: Double = 0.8
    /// A running run, updated recently, with no claim yet: wait.
    public var waitConfidence: Double = 0.6
    /// A run stopped on request (Ctrl-C, SIGTERM), incomplete, its process gone: retry (resume).
    public var interruptedConfidence: Double = 0.9
    /// A run whose process died (killed) before it was complete: retry (resume).
    public var killedConfidence: Double = 0.8
    /// A running run with no progress for longer than its trial times make plausible: escalate.
    public var staleConfidence: Double = 0.7
    /// A run whose files are damaged or unreadable: escalate.
    public var damagedConfidence: Double = 1.0
    /// A campaign whose last cycle's canary was missed: escalate.
    public var canaryMissConfidence: Double = 0.9

    public static let defaults = WatcherRules()

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case stalenessFactor = "staleness_factor", minimumStalenessSeconds = "minimum_staleness_seconds"
        case recentTrials = "recent_trials"
        case proceedConfidence = "proceed_confidence", noClaimConfidence = "no_claim_confidence"
        case waitClaimedConfidence = "wait_claimed_confidence", waitConfidence = "wait_confidence"
        case interruptedConfidence = "interrupted_confidence", killedConfidence = "killed_confidence"
        case staleConfidence = "stale_confidence", damagedConfidence = "damaged_confidence"
        case canaryMissConfidence = "canary_miss_confidence"
    }

    /// Every field with its default, in the order of the README's table.
    public static var fieldNames: [String] { CodingKeys.allCases.map(\.rawValue) }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = Self.defaults
        stalenessFactor = try c.decodeIfPresent(Double.self, forKey: .stalenessFactor) ?? d.stalenessFactor
        minimumStalenessSeconds = try c.decodeIfPresent(Double.self, forKey: .minimumStalenessSeconds) ?? d.minimumStalenessSeconds
        recentTrials = try c.decodeIfPresent(Int.self, forKey: .recentTrials) ?? d.recentTrials
        proceedConfidence = try c.decodeIfPresent(Double.self, forKey: .proceedConfidence) ?? d.proceedConfidence
        noClaimConfidence = try c.decodeIfPresent(Double.self, forKey: .noClaimConfidence) ?? d.noClaimConfidence
        waitClaimedConfidence = try c.decodeIfPresent(Double.self, forKey: .waitClaimedConfidence) ?? d.waitClaimedConfidence
        waitConfidence = try c.decodeIfPresent(Double.self, forKey: .waitConfidence) ?? d.waitConfidence
        interruptedConfidence = try c.decodeIfPresent(Double.self, forKey: .interruptedConfidence) ?? d.interruptedConfidence
        killedConfidence = try c.decodeIfPresent(Double.self, forKey: .killedConfidence) ?? d.killedConfidence
        staleConfidence = try c.decodeIfPresent(Double.self, forKey: .staleConfidence) ?? d.staleConfidence
        damagedConfidence = try c.decodeIfPresent(Double.self, forKey: .damagedConfidence) ?? d.damagedConfidence
        canaryMissConfidence = try c.decodeIfPresent(Double.self, forKey: .canaryMissConfidence) ?? d.canaryMissConfidence
    }

    /// The rules as JSON (every field, with its value).
    public var json: JSONValue {
        // Encoding plain numbers cannot fail.
        (try? JSONValueEncoder().encode(self)) ?? .null
    }

    /// The rules of the JSON file at `path`: the defaults, with the file's fields in their place.
    ///
    /// - Throws: ``InputError``: `unreadableFile` when the file cannot be read; `invalidRules` when
    ///   it is not a JSON object of known fields with values in range, naming the file and the field.
    public static func read(path: String) throws(InputError) -> WatcherRules {
        guard let bytes = try FileIO.contents(of: FilePath(path)) else {
            throw InputError(.unreadableFile, source: path, problem: "no such file", fix: "give a rules file (JSON) that exists")
        }
        let json: JSONValue
        do { json = try JSONReader.parse(bytes) } catch {
            throw InputError(.invalidRules, source: "\(path): \(error)", problem: "is not valid JSON",
                             fix: "write the rules as one JSON object, e.g. {\"staleness_factor\": 5}")
        }
        return try parse(json, source: path)
    }

    /// The rules of a rules file's JSON (see ``read(path:)``).
    public static func parse(_ json: JSONValue, source: String) throws(InputError) -> WatcherRules {
        guard let members = json.members else {
            throw InputError(.invalidRules, source: source, problem: "is \(json.typeName), not a JSON object",
                             fix: "write the rules as one JSON object, e.g. {\"staleness_factor\": 5}")
        }
        let known = fieldNames
        for (key, _) in members where !known.contains(key) {
            throw InputError(.invalidRules, source: "\(source): \(key)", problem: "is not a watcher rule",
                             fix: "use only \(known.joined(separator: ", "))")
        }
        for (key, value) in members {
            let place = "\(source): \(key)"
            if key == CodingKeys.recentTrials.rawValue {
                guard let count = value.integer, count >= 1, count <= 1_000_000 else {
                    throw InputError(.invalidRules, source: place, problem: "is \(value.text), not a whole number of trials",
                                     fix: "give a count from 1 to 1000000")
                }
                continue
            }
            guard let number = value.number else {
                throw InputError(.invalidRules, source: place, problem: "is \(value.typeName), not a number", fix: "give a number")
            }
            if key.hasSuffix("_confidence") {
                guard number >= 0, number <= 1 else {
                    throw InputError(.invalidRules, source: place, problem: "is \(value.text), outside 0…1",
                                     fix: "give a confidence from 0 to 1")
                }
            } else if key == CodingKeys.stalenessFactor.rawValue {
                guard number >= 1, number <= 1_000_000 else {
                    throw InputError(.invalidRules, source: place, problem: "is \(value.text), below 1 (or absurdly large)",
                                     fix: "give a factor from 1 to 1000000 of the slowest recent trial")
                }
            } else {
                guard number >= 0, number <= 1e9 else {
                    throw InputError(.invalidRules, source: place, problem: "is \(value.text), outside 0…1e9",
                                     fix: "give a number of seconds from 0 to 1e9")
                }
            }
        }
        return try JSONValueDecoder().decode(WatcherRules.self, from: json, source: source, kind: .invalidRules)
    }
}
