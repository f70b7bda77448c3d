import Foundation
import Sieve

extension Champion {
    /// A window configuration: a trial's parameters and what the run fixed around them (the
    /// modulus, the family's parameters, the semantics), everything a sieve needs apart from the
    /// history and the seeds.
    public struct Configuration: Sendable, Hashable {
        /// Window size, offset, burn, skips, forward and reverse thresholds (decimals), sessions, family.
        public var parameters: TrialParameters
        /// M: draws are outputs mod M.
        public var modulus: UInt64
        /// The family's parameters (`--param`): empty for its defaults.
        public var prngParameters: [String: UInt64]
        /// The reference system's semantics (`--reference-mode`).
        public var referenceMode: Bool
        /// The reverse test over every seed (`--full-reverse`), not only forward survivors.
        public var fullReverse: Bool

        public init(parameters: TrialParameters, modulus: UInt64, prngParameters: [String: UInt64] = [:],
                    referenceMode: Bool = false, fullReverse: Bool = false) {
            self.parameters = parameters
            self.modulus = modulus
            self.prngParameters = prngParameters
            self.referenceMode = referenceMode
            self.fullReverse = fullReverse
        }

        /// The configuration a program runs with when there is no champion: the reference
        /// system's default sieve job (docs/operations.md §3 gives each value's origin).
        ///
        /// Window 10, offset 0, skips 0...16, threshold 0.25 forward and reverse, every session,
        /// burn 0, xorshift32 with its default shifts, modulus 1000, in the reference's semantics
        /// (reference mode): its reverse test reads the window backwards, which runs at offset 0,
        /// where this tool's own reverse window (the draws before the window) has no draws.
        public static let baseline = Configuration(
            parameters: TrialParameters(windowSize: 10, offset: 0, burn: 0, skipMin: 0, skipMax: 16, forwardThreshold: "0.25",
                                        reverseThreshold: "0.25", sessions: .all, prng: "xorshift32"),
            modulus: 1000, referenceMode: true)

        /// The configuration as `champions/NAME.json` writes it: one object, thresholds as numbers.
        public var json: JSONValue {
            guard case .object(let members) = parameters.json else { preconditionFailure("parameters are an object") }
            return .object(members + [
                ("prng_parameters", .object(prngParameters.sorted { $0.key < $1.key }.map { ($0.key, .uint64($0.value)) })),
                ("modulus", .uint64(modulus)), ("reference_mode", .bool(referenceMode)), ("full_reverse", .bool(fullReverse)),
            ])
        }

        init(_ fields: Fields) throws(InputError) {
            func threshold(_ key: String) throws(InputError) -> String {
                let value = try fields.value(key)
                // Written as a number; a decimal string is read too.
                if let text = value.string { return text }
                guard let number = value.number else { throw fields.failure(key, "is \(value.typeName), not a number") }
                return Self.decimal(number)
            }
            guard let sessions = SessionChoice(json: try fields.value("sessions")) else {
                throw fields.failure("sessions", #"is not "all" or a list of session names"#)
            }
            var prngParameters: [String: UInt64] = [:]
            let given = try fields.member("prng_parameters")
            for member in given.members { prngParameters[member.key] = try given.unsigned(member.key) }
            self.init(
                parameters: TrialParameters(
                    windowSize: try fields.integer("window_size"), offset: try fields.integer("offset"), burn: try fields.integer("burn"),
                    skipMin: try fields.integer("skip_min"), skipMax: try fields.integer("skip_max"),
                    forwardThreshold: try threshold("forward_threshold"), reverseThreshold: try threshold("reverse_threshold"),
                    sessions: sessions, prng: try fields.string("prng")),
                modulus: try fields.unsigned("modulus"), prngParameters: prngParameters,
                referenceMode: try fields.bool("reference_mode"), fullReverse: try fields.bool("full_reverse"))
        }

        /// The shortest decimal that reads back as `value` (`0.25`, `1.0`): thresholds are written
        /// as JSON numbers, and the sieve reads them as decimals.
        static func decimal(_ value: Double) -> String {
            for digits in 1...17 {
                let text = String(format: "%.\(digits)f", value)
                if Double(text) == value { return text }
            }
            return String(format: "%.17f", value)
        }

        /// Checks that a sieve can run the configuration (on some history): the window, skips,
        /// thresholds, family and its parameters, and the modulus.
        ///
        /// - Throws: ``InputError`` (`invalidChampion`) naming `source` and the field.
        public func validate(source: String) throws(InputError) {
            func fail(_ field: String, _ problem: String) -> InputError {
                InputError(.invalidChampion, source: "\(source).\(field)", problem: problem, fix: Champion.restoreFix)
            }
            let p = parameters
            guard p.windowSize >= 1 else { throw fail("window_size", "is \(p.windowSize); a window holds at least 1 draw") }
            guard p.offset >= 0 else { throw fail("offset", "is \(p.offset), below 0") }
            guard p.burn >= 0 else { throw fail("burn", "is \(p.burn), below 0") }
            guard p.skipMin >= 0 else { throw fail("skip_min", "is \(p.skipMin), below 0") }
            guard p.skipMax >= p.skipMin, p.skipMax <= Int(UInt32.max) else {
                throw fail("skip_max", "is \(p.skipMax), not from skip_min \(p.skipMin) to 2^32 - 1")
            }
            guard (2...(UInt64(1) << 32)).contains(modulus) else { throw fail("modulus", "is \(modulus), not from 2 to 2^32") }
            do {
                _ = try sieveParameters()
            } catch {
                throw InputError(.invalidChampion, source: "\(source).\(error.source)", problem: error.problem, fix: Champion.restoreFix)
            }
        }

        /// The sieve's parameters (the history's sessions are ``TrialParameters/sessions``).
        ///
        /// - Throws: ``InputError`` for an unknown family, a bad family parameter or threshold,
        ///   with the field's name as its source.
        public func sieveParameters() throws(InputError) -> SieveParameters {
            let family = try PRNGFamily.named(parameters.prng, source: "prng")
            // The one translation of trial parameters into a sieve, shared with the search's trials.
            return try parameters.sieveParameters(
                configuration: try PRNGConfiguration(family: family, parameters: prngParameters, source: "prng_parameters"),
                modulus: modulus, fullReverse: fullReverse, referenceMode: referenceMode)
        }

        /// One line: the trial label, the family and the modulus.
        public var summary: String {
            let extras = (prngParameters.isEmpty ? "" : " " + prngParameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","))
                + (referenceMode ? ", reference mode" : "") + (fullReverse ? ", full reverse" : "")
            return "\(parameters.label), \(parameters.prng)\(extras), modulus \(modulus)"
        }
    }
}
