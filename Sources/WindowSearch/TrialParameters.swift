import Foundation
import Sieve
import Study

/// One trial's parameters, as the sampler proposed them and as the sieve runs them: every
/// parameter reaches the sieve, and every record echoes all of them.
///
/// Records write the thresholds as numbers; reading them back needs the search's bounds (their
/// decimals), given as ``SearchBounds/userInfoKey`` in the decoder's `userInfo`.
public struct TrialParameters: Sendable, Hashable, Codable {
    public var windowSize: Int
    public var offset: Int
    public var burn: Int
    public var skipMin: Int
    public var skipMax: Int
    /// The thresholds as decimals (`0.25`), read exactly by the sieve (⌈τ·k⌉).
    public var forwardThreshold: String
    public var reverseThreshold: String
    /// The draws kept: every entry, or a list of sessions.
    public var sessions: SessionChoice
    public var prng: String

    public init(windowSize: Int, offset: Int, burn: Int, skipMin: Int, skipMax: Int, forwardThreshold: String,
                reverseThreshold: String, sessions: SessionChoice, prng: String) {
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
        // The space lists each session choice by its description: the bounds' choice it stands for.
        let sessionText = choice(.sessions)
        guard let sessions = bounds.sessions.first(where: { $0.description == sessionText }) ?? SessionChoice(description: sessionText)
        else { preconditionFailure("the study proposes the space's session choices: \(sessionText)") }
        self.init(
            windowSize: integer(.windowSize), offset: integer(.offset), burn: integer(.burn), skipMin: integer(.skipMin),
            skipMax: integer(.skipMax), forwardThreshold: fraction(.forwardThreshold, bounds.forwardThreshold),
            reverseThreshold: fraction(.reverseThreshold, bounds.reverseThreshold), sessions: sessions,
            prng: choice(.prng))
    }

    /// The parameters as recorded: thresholds as the decimals the sieve used.
    public var json: JSONValue {
        .object([
            ("window_size", .integer(windowSize)), ("offset", .integer(offset)), ("burn", .integer(burn)),
            ("skip_min", .integer(skipMin)), ("skip_max", .integer(skipMax)),
            ("forward_threshold", .number(Double(forwardThreshold))),
            ("reverse_threshold", .number(Double(reverseThreshold))),
            ("sessions", sessions.json), ("prng", .string(prng)),
        ])
    }

    private enum CodingKeys: String, CodingKey {
        case windowSize = "window_size", offset, burn, skipMin = "skip_min", skipMax = "skip_max"
        case forwardThreshold = "forward_threshold", reverseThreshold = "reverse_threshold", sessions, prng
    }

    public func encode(to encoder: any Encoder) throws {
        try json.encode(to: encoder)
    }

    public init(from decoder: any Decoder) throws {
        guard let bounds = decoder.userInfo[SearchBounds.userInfoKey] as? SearchBounds else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "trial parameters are read with the search's bounds"))
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        // "all", a list of names, or (runs written before) a joined string.
        guard let sessions = SessionChoice(json: try container.decode(JSONValue.self, forKey: .sessions)) else {
            throw DecodingError.dataCorruptedError(forKey: .sessions, in: container,
                                                   debugDescription: #"is not "all" or a list of session names"#)
        }
        self.init(
            windowSize: try container.decode(Int.self, forKey: .windowSize), offset: try container.decode(Int.self, forKey: .offset),
            burn: try container.decode(Int.self, forKey: .burn), skipMin: try container.decode(Int.self, forKey: .skipMin),
            skipMax: try container.decode(Int.self, forKey: .skipMax),
            forwardThreshold: bounds.forwardThreshold.decimal(try container.decode(Double.self, forKey: .forwardThreshold)),
            reverseThreshold: bounds.reverseThreshold.decimal(try container.decode(Double.self, forKey: .reverseThreshold)),
            sessions: sessions, prng: try container.decode(String.self, forKey: .prng))
    }

    /// The reference's trial description, `W{k}_O{o}_{sessions}_S{smin}-{smax}_FT{ft}_RT{rt}`.
    public var label: String {
        "W\(windowSize)_O\(offset)_\(sessions)_S\(skipMin)-\(skipMax)_FT\(forwardThreshold)_RT\(reverseThreshold)"
            + (burn == 0 ? "" : "_B\(burn)")
    }
}

extension SearchBounds {
    /// The `userInfo` key under which decoders of trial records find the search's bounds.
    public static let userInfoKey = CodingUserInfoKey(rawValue: "optimize.searchBounds")!
}
