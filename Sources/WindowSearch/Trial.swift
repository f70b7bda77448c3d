import Foundation
import Sieve
import Study

/// One trial's parameters, as the sampler proposed them and as the sieve runs them: every
/// parameter reaches the sieve, and every record echoes all of them.
public struct TrialParameters: Sendable, Hashable {
    public var windowSize: Int
    public var offset: Int
    public var burn: Int
    public var skipMin: Int
    public var skipMax: Int
    /// The thresholds as decimals (`0.25`), read exactly by the sieve (⌈τ·k⌉).
    public var forwardThreshold: String
    public var reverseThreshold: String
    /// `all`, a session, or sessions joined by `+`.
    public var sessions: String
    public var prng: String

    public init(windowSize: Int, offset: Int, burn: Int, skipMin: Int, skipMax: Int, forwardThreshold: String,
                reverseThreshold: String, sessions: String, prng: String) {
        self.windowSize = windowSize
        self.offset = offset
        self.burn = burn
        self.skipMin = skipMin
        self.skipMax = skipMax
        self.forwardThreshold = forwardThreshold
        self.reverseThreshold = reverseThreshold
        self.sessions = sessions
        self.prng = prng
    }

    /// The parameters of a study trial.
    public init(_ values: [String: ParameterValue], bounds: SearchBounds) {
        func integer(_ entry: SearchBounds.Entry) -> Int {
            if case .integer(let value)? = values[entry.rawValue] { return value }
            preconditionFailure("the study proposes every parameter of its space: \(entry.rawValue)")
        }
        func fraction(_ entry: SearchBounds.Entry, _ range: SearchBounds.FractionRange) -> String {
            if case .float(let value)? = values[entry.rawValue] { return range.decimal(value) }
            preconditionFailure("the study proposes every parameter of its space: \(entry.rawValue)")
        }
        func choice(_ entry: SearchBounds.Entry) -> String {
            if case .categorical(.string(let value))? = values[entry.rawValue] { return value }
            preconditionFailure("the study proposes every parameter of its space: \(entry.rawValue)")
        }
        self.init(
            windowSize: integer(.windowSize), offset: integer(.offset), burn: integer(.burn), skipMin: integer(.skipMin),
            skipMax: integer(.skipMax), forwardThreshold: fraction(.forwardThreshold, bounds.forwardThreshold),
            reverseThreshold: fraction(.reverseThreshold, bounds.reverseThreshold), sessions: choice(.sessions),
            prng: choice(.prng))
    }

    /// The parameters as recorded: thresholds as the decimals the sieve used.
    public var json: JSONValue {
        .object([
            ("window_size", .integer(windowSize)), ("offset", .integer(offset)), ("burn", .integer(burn)),
            ("skip_min", .integer(skipMin)), ("skip_max", .integer(skipMax)),
            ("forward_threshold", .double(Double(forwardThreshold) ?? .nan)),
            ("reverse_threshold", .double(Double(reverseThreshold) ?? .nan)),
            ("sessions", .string(sessions)), ("prng", .string(prng)),
        ])
    }

    /// Reads recorded parameters.
    public init?(json: JSONValue, bounds: SearchBounds) {
        guard let windowSize = json["window_size"]?.integer, let offset = json["offset"]?.integer, let burn = json["burn"]?.integer,
              let skipMin = json["skip_min"]?.integer, let skipMax = json["skip_max"]?.integer,
              let forward = json["forward_threshold"]?.number, let reverse = json["reverse_threshold"]?.number,
              let sessions = json["sessions"]?.string, let prng = json["prng"]?.string
        else { return nil }
        self.init(windowSize: windowSize, offset: offset, burn: burn, skipMin: skipMin, skipMax: skipMax,
                  forwardThreshold: bounds.forwardThreshold.decimal(forward), reverseThreshold: bounds.reverseThreshold.decimal(reverse),
                  sessions: sessions, prng: prng)
    }

    /// The reference's trial description, `W{k}_O{o}_{sessions}_S{smin}-{smax}_FT{ft}_RT{rt}`.
    public var label: String {
        "W\(windowSize)_O\(offset)_\(sessions)_S\(skipMin)-\(skipMax)_FT\(forwardThreshold)_RT\(reverseThreshold)"
            + (burn == 0 ? "" : "_B\(burn)")
    }
}

/// Where a trial stands once finished.
public enum TrialState: String, Sendable, Hashable, CaseIterable {
    /// The sieve ran; the trial has a score.
    case complete = "COMPLETE"
    /// No sieve ran: the parameters cannot (skip_min above skip_max, a window that does not fit).
    case pruned = "PRUNED"
    /// The sieve failed.
    case failed = "FAILED"
}

/// One bidirectional survivor as reports list it.
public struct ListedSurvivor: Sendable, Hashable {
    public let seed: UInt64
    public let skip: UInt32
    public let forwardMatches: UInt32
    public let reverseMatches: UInt32

    /// The survivor's bidirectional view: the skip both tests passed at (reference mode: the
    /// forward skip, each test's best count).
    public init(_ record: SurvivorRecord, referenceMode: Bool) {
        seed = record.seed
        if referenceMode {
            skip = record.forwardSkip
            forwardMatches = record.forwardMatches
            reverseMatches = record.reverseMatches
        } else {
            skip = record.bidirectionalSkip
            forwardMatches = record.bidirectionalForward
            reverseMatches = record.bidirectionalReverse
        }
    }

    public init(seed: UInt64, skip: UInt32, forwardMatches: UInt32, reverseMatches: UInt32) {
        self.seed = seed
        self.skip = skip
        self.forwardMatches = forwardMatches
        self.reverseMatches = reverseMatches
    }

    /// `{"seed", "skip", "forward_matches", "reverse_matches"}`.
    public var json: JSONValue {
        .object([("seed", .unsigned(seed)), ("skip", .integer(Int(skip))), ("forward_matches", .integer(Int(forwardMatches))),
                 ("reverse_matches", .integer(Int(reverseMatches)))])
    }

    public init?(json: JSONValue) {
        guard let seed = json["seed"]?.unsignedInteger, let skip = json["skip"]?.integer,
              let forward = json["forward_matches"]?.integer, let reverse = json["reverse_matches"]?.integer
        else { return nil }
        self.init(seed: seed, skip: UInt32(skip), forwardMatches: UInt32(forward), reverseMatches: UInt32(reverse))
    }
}

/// A finished trial, as its journal record holds it. Records hold no timings, so that a run
/// killed and resumed writes the same records as one that was not.
public struct TrialOutcome: Sendable {
    public struct Counts: Sendable, Hashable {
        public let forward: Int
        /// Reverse survivors, when the reverse test ran over every seed (full range, reference mode).
        public let reverse: Int?
        public let bidirectional: Int
    }

    public let trial: Int
    public let state: TrialState
    public let parameters: TrialParameters
    /// The sieve's effective parameters (absent when no sieve ran).
    public let sieve: JSONValue?
    public let counts: Counts?
    /// The chance expectation, as recorded.
    public let chance: JSONValue?
    public let significance: Significance?
    public let objective: String
    /// The objective's value (complete trials).
    public let score: Double?
    /// Why the trial was pruned, or how it failed.
    public let reason: String?
    /// The trial's survivor file, relative to the run directory.
    public let survivorFile: String?
    public let survivorBytes: UInt64?
    /// The bidirectional survivor with the most matches (ties: the smallest seed).
    public let strongest: ListedSurvivor?

    public init(trial: Int, state: TrialState, parameters: TrialParameters, sieve: JSONValue?, counts: Counts?,
                chance: JSONValue?, significance: Significance?, objective: String, score: Double?, reason: String?,
                survivorFile: String?, survivorBytes: UInt64?, strongest: ListedSurvivor?) {
        self.trial = trial
        self.state = state
        self.parameters = parameters
        self.sieve = sieve
        self.counts = counts
        self.chance = chance
        self.significance = significance
        self.objective = objective
        self.score = score
        self.reason = reason
        self.survivorFile = survivorFile
        self.survivorBytes = survivorBytes
        self.strongest = strongest
    }

    /// The trial journal's record.
    public var json: JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("trial", .integer(trial)), ("state", .string(state.rawValue)), ("params", parameters.json),
        ]
        if let sieve { members.append(("sieve", sieve)) }
        if let counts {
            members.append(("counts", .object([
                ("forward", .integer(counts.forward)), ("reverse", counts.reverse.map { .integer($0) } ?? .null),
                ("bidirectional", .integer(counts.bidirectional)),
            ])))
        }
        if let chance { members.append(("chance", chance)) }
        if let significance {
            members.append(("significance", .object([
                ("observed", .integer(significance.observed)), ("expected", .number(significance.expected)),
                ("log10_p", .number(significance.log10PValue)), ("p_value", .number(significance.pValue)),
                ("score", .number(significance.score)), ("level", .number(significance.level)),
                ("claims_significance", .bool(significance.claims)),
            ])))
        }
        members.append(("objective", .string(objective)))
        members.append(("score", .number(score)))
        if let reason { members.append(("reason", .string(reason))) }
        if let survivorFile {
            members.append(("survivors", .object([
                ("file", .string(survivorFile)), ("bytes", survivorBytes.map { .unsigned($0) } ?? .null),
                ("record_size", .integer(SurvivorRecord.encodedSize)),
            ])))
        }
        if state == .complete { members.append(("strongest", strongest?.json ?? .null)) }
        return .object(members)
    }

    /// Reads a journal record; `nil` when it is not one.
    public init?(json: JSONValue, bounds: SearchBounds) {
        guard let trial = json["trial"]?.integer, let stateName = json["state"]?.string, let state = TrialState(rawValue: stateName),
              let paramsJSON = json["params"], let parameters = TrialParameters(json: paramsJSON, bounds: bounds),
              let objective = json["objective"]?.string
        else { return nil }
        var counts: Counts?
        if let c = json["counts"], let forward = c["forward"]?.integer, let bidirectional = c["bidirectional"]?.integer {
            counts = Counts(forward: forward, reverse: c["reverse"]?.integer, bidirectional: bidirectional)
        }
        var significance: Significance?
        if let s = json["significance"], let observed = s["observed"]?.integer, let expected = s["expected"]?.number,
           let level = s["level"]?.number {
            significance = Significance(observed: observed, expected: expected, level: level)
        }
        if state == .complete && (counts == nil || json["score"]?.number == nil) { return nil }
        self.init(
            trial: trial, state: state, parameters: parameters, sieve: json["sieve"], counts: counts, chance: json["chance"],
            significance: significance, objective: objective, score: json["score"]?.number, reason: json["reason"]?.string,
            survivorFile: json["survivors"]?["file"]?.string, survivorBytes: json["survivors"]?["bytes"]?.unsignedInteger,
            strongest: json["strongest"].flatMap(ListedSurvivor.init(json:)))
    }

    /// kr: the reverse window's draws.
    public var reverseWindow: Int { sieve?["reverse_window"]?.integer ?? parameters.windowSize }

    /// The expected bidirectional survivors by chance (the model's value, before the conservative bound).
    public var chanceBidirectional: Double? { chance?["bidirectional"]?.number }
}

extension ChanceExpectation {
    /// The expectation as trial records hold it.
    var recordJSON: JSONValue {
        .object([
            ("model", .string(model.rawValue)), ("reason", .string(reason)),
            ("forward", .number(forward)), ("forward_error", .number(forwardError)),
            ("reverse", .number(reverse)), ("reverse_error", .number(reverseError)),
            ("bidirectional", .number(bidirectional)), ("bidirectional_error", .number(bidirectionalError)),
            ("sample_size", sampleSize.map { .integer($0) } ?? .null),
        ])
    }
}
