import Foundation
import Sieve

extension Champion {
    /// Where a champion came from: the run and trial, the history and seeds it was found on, how
    /// significant the trial was, and the tool that ran it (as the run's `run.json` has them).
    public struct Origin: Sendable, Hashable {
        /// The trial's significance, as its record has it.
        public struct Evidence: Sendable, Hashable {
            public var observed: Int
            public var expected: Double
            /// log10 p; nil when p is 0 (survivors where chance expects none at all).
            public var log10PValue: Double?
            public var level: Double
            public var claims: Bool

            public init(observed: Int, expected: Double, log10PValue: Double?, level: Double, claims: Bool) {
                self.observed = observed
                self.expected = expected
                self.log10PValue = log10PValue
                self.level = level
                self.claims = claims
            }

            public init(_ significance: Significance) {
                self.init(observed: significance.observed, expected: significance.expected,
                          log10PValue: significance.log10PValue.isFinite ? significance.log10PValue : nil,
                          level: significance.level, claims: significance.claims)
            }

            var json: JSONValue {
                .object([("observed", .integer(observed)), ("expected", .number(expected)), ("log10_p_value", .number(log10PValue)),
                         ("level", .number(level)), ("claims", .bool(claims))])
            }

            init(_ fields: Fields) throws(InputError) {
                self.init(observed: try fields.integer("observed"), expected: try fields.number("expected"),
                          log10PValue: try fields.optionalNumber("log10_p_value"), level: try fields.number("level"),
                          claims: try fields.bool("claims"))
            }
        }

        /// The run's directory, as given to `promote`.
        public var run: String
        public var trial: Int
        /// SHA-256 of the history the run read.
        public var historySHA256: String
        /// The history's path, as the run recorded it.
        public var history: String
        /// The family the run was given (`--prng`).
        public var family: String
        /// The seed range the run swept.
        public var seeds: String
        /// Nil for a trial whose objective is not significance and has none recorded.
        public var significance: Evidence?
        public var toolVersion: String?
        /// The git commit of the tool that ran the search; nil when unknown.
        public var gitCommit: String?

        public init(run: String, trial: Int, historySHA256: String, history: String, family: String, seeds: String,
                    significance: Evidence?, toolVersion: String?, gitCommit: String?) {
            self.run = run
            self.trial = trial
            self.historySHA256 = historySHA256
            self.history = history
            self.family = family
            self.seeds = seeds
            self.significance = significance
            self.toolVersion = toolVersion
            self.gitCommit = gitCommit
        }

        var json: JSONValue {
            .object([
                ("run", .string(run)), ("trial", .integer(trial)), ("history_sha256", .string(historySHA256)),
                ("history", .string(history)), ("family", .string(family)), ("seeds", .string(seeds)),
                ("significance", significance?.json ?? .null),
                ("tool_version", toolVersion.map(JSONValue.string) ?? .null), ("git_commit", gitCommit.map(JSONValue.string) ?? .null),
            ])
        }

        init(_ fields: Fields) throws(InputError) {
            var evidence: Evidence?
            if try fields.value("significance") != .null { evidence = try Evidence(fields.member("significance")) }
            self.init(run: try fields.string("run"), trial: try fields.integer("trial"), historySHA256: try fields.string("history_sha256"),
                      history: try fields.string("history"), family: try fields.string("family"), seeds: try fields.string("seeds"),
                      significance: evidence, toolVersion: try fields.optionalString("tool_version"),
                      gitCommit: try fields.optionalString("git_commit"))
        }
    }
}
