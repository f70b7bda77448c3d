import Sieve
import WindowSearch

/// What a cycle sieves with: a champion's trial parameters (window, offset, burn, skips,
/// thresholds, sessions, family) and the history's modulus.
///
/// Recorded with thresholds as the decimals the sieve reads (`"0.25"`), so that reading a record
/// back gives exactly the parameters that ran.
public struct CampaignConfiguration: Sendable, Hashable, Codable {
    public var parameters: TrialParameters
    public var modulus: UInt64

    public init(parameters: TrialParameters, modulus: UInt64) {
        self.parameters = parameters
        self.modulus = modulus
    }

    private enum CodingKeys: String, CodingKey {
        case windowSize = "window_size", offset, burn, skipMin = "skip_min", skipMax = "skip_max"
        case forwardThreshold = "forward_threshold", reverseThreshold = "reverse_threshold", sessions, prng, modulus
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        let p = parameters
        try c.encode(p.windowSize, forKey: .windowSize)
        try c.encode(p.offset, forKey: .offset)
        try c.encode(p.burn, forKey: .burn)
        try c.encode(p.skipMin, forKey: .skipMin)
        try c.encode(p.skipMax, forKey: .skipMax)
        try c.encode(p.forwardThreshold, forKey: .forwardThreshold)
        try c.encode(p.reverseThreshold, forKey: .reverseThreshold)
        try c.encode(p.sessions.json, forKey: .sessions)
        try c.encode(p.prng, forKey: .prng)
        try c.encode(modulus, forKey: .modulus)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard let sessions = SessionChoice(json: try c.decode(JSONValue.self, forKey: .sessions)) else {
            throw DecodingError.dataCorruptedError(forKey: .sessions, in: c, debugDescription: #"is not "all" or a list of session names"#)
        }
        parameters = TrialParameters(
            windowSize: try c.decode(Int.self, forKey: .windowSize), offset: try c.decode(Int.self, forKey: .offset),
            burn: try c.decode(Int.self, forKey: .burn), skipMin: try c.decode(Int.self, forKey: .skipMin),
            skipMax: try c.decode(Int.self, forKey: .skipMax),
            forwardThreshold: try c.decode(String.self, forKey: .forwardThreshold),
            reverseThreshold: try c.decode(String.self, forKey: .reverseThreshold),
            sessions: sessions, prng: try c.decode(String.self, forKey: .prng))
        modulus = try c.decode(UInt64.self, forKey: .modulus)
    }
}
