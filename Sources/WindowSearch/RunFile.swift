import Sieve
import Study

/// `run.json`: what a window search is run with and where it stands (running, interrupted,
/// complete). Written atomically when a search starts and whenever its status changes; a resumed
/// run reads its settings back from it (``SearchSettings/init(runFile:source:)``).
public struct RunFile: Codable, Sendable {
    public static let fileName = "run.json"

    /// The history, by name, path and content.
    public struct History: Codable, Sendable {
        public let file: String
        public let path: String
        public let sha256: String
        public let format: String
        /// The format given with `--draws-format` (nil: from the file name).
        public let formatGiven: String?
        public let order: String
        public let newestFirst: Bool
        public let draws: Int
        /// Draws per session.
        public let sessions: [String: Int]
    }

    /// The family given with `--prng`, and its parameters.
    public struct PRNG: Codable, Sendable {
        public let family: String
        public let parameters: [String: UInt64]
    }

    public struct ObjectiveSettings: Codable, Sendable {
        public let name: String
        /// `[low, high]` for the band objective.
        public let band: [Int]?
        public let alpha: Double
        public let level: Double
        public let levelMeaning: String
    }

    public struct Sampler: Codable, Sendable {
        public let name: String
        public let seed: UInt64
        public let version: String
    }

    public struct Versions: Codable, Sendable {
        public let optimize: String
        /// The git commit the tool was built from (``OptimizeVersion/gitCommit``): `null` when the
        /// build did not know it, and absent in runs of versions before it was recorded.
        public let gitCommit: String?
        public let runFormat: String
        public let study: Int
        public let sampler: String

        private enum CodingKeys: String, CodingKey {
            case optimize, gitCommit, runFormat, study, sampler
        }

        init(optimize: String, gitCommit: String?, runFormat: String, study: Int, sampler: String) {
            self.optimize = optimize
            self.gitCommit = gitCommit
            self.runFormat = runFormat
            self.study = study
            self.sampler = sampler
        }

        /// Writes every field, `git_commit` as `null` when unknown (a reader sees it was not known,
        /// not that it was forgotten).
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(optimize, forKey: .optimize)
            try c.encode(gitCommit.map(JSONValue.string) ?? .null, forKey: .gitCommit)
            try c.encode(runFormat, forKey: .runFormat)
            try c.encode(study, forKey: .study)
            try c.encode(sampler, forKey: .sampler)
        }
    }

    public let format: String
    public private(set) var status: String
    public let created: String
    public let history: History
    public let prng: PRNG
    public let modulus: UInt64
    public let seeds: String
    /// The seed count in decimal (up to 2^64).
    public let seedCount: String
    public let referenceMode: Bool
    /// `full-range` or `forward-survivors`.
    public let reverseScope: String
    public let backend: String
    public let objective: ObjectiveSettings
    public let trials: Int
    public let sampler: Sampler
    public let chunkSize: UInt64
    public let chanceSampleSize: Int
    /// The search bounds, in the bounds file's own format (``SearchBounds/json``).
    public let bounds: JSONValue
    /// The entries of the bounds that take one value only, with that value.
    public let fixedParameters: JSONValue
    public let versions: Versions

    static let coding = (encoder: JSONValueEncoder(keys: .snakeCase), decoder: JSONValueDecoder(keys: .snakeCase))

    /// The file of `settings` with `status`.
    public init(settings: SearchSettings, status: String, created: String, shape: HistoryShape, history: DrawHistory) {
        format = SearchSettings.format
        self.status = status
        self.created = created
        self.history = History(
            file: settings.historyFile, path: settings.historyPath, sha256: settings.historyChecksum, format: history.format.rawValue,
            formatGiven: settings.historyFormat?.rawValue, order: history.order.rawValue, newestFirst: settings.newestFirst,
            draws: shape.total, sessions: Dictionary(shape.sessionCounts.map { ($0.name, $0.count) }, uniquingKeysWith: +))
        prng = PRNG(family: settings.prng, parameters: settings.prngParameters)
        modulus = settings.modulus
        seeds = settings.seeds.description
        seedCount = String(settings.seeds.count)
        referenceMode = settings.referenceMode
        reverseScope = settings.fullReverse ? "full-range" : "forward-survivors"
        backend = settings.backend
        var band: [Int]?
        if case .band(let low, let high) = settings.objective { band = [low, high] }
        objective = ObjectiveSettings(
            name: settings.objective.name, band: band, alpha: settings.alpha, level: settings.level,
            levelMeaning: "a trial claims significance when its score −log10 p exceeds −log10(alpha / trials)")
        trials = settings.trials
        sampler = Sampler(name: "tpe", seed: settings.samplerSeed, version: StudyDefinition.samplerVersion)
        chunkSize = settings.chunkSize
        chanceSampleSize = settings.chanceSampleSize
        bounds = settings.bounds.json
        fixedParameters = .object(settings.fixedParameters)
        versions = Versions(optimize: OptimizeVersion.current, gitCommit: OptimizeVersion.gitCommit, runFormat: SearchSettings.format, study: StudyDefinition.format,
                            sampler: StudyDefinition.samplerVersion)
    }

    /// The same file with another status.
    public func withStatus(_ status: String) -> RunFile {
        var file = self
        file.status = status
        return file
    }

    /// Reads the `run.json` of the run in `directory`.
    ///
    /// - Throws: ``InputError`` (`invalidRun`) when there is no such directory or file, or the file
    ///   is not a run's, naming the field.
    public static func read(directory: String) throws(InputError) -> RunFile {
        let path = FilePath(directory).appending(fileName)
        guard FileIO.isDirectory(FilePath(directory)) else {
            throw InputError(.invalidRun, source: directory, problem: "no such directory",
                             fix: "give the --out directory of an `optimize search`")
        }
        guard let bytes = try FileIO.contents(of: path) else {
            throw InputError(.invalidRun, source: directory, problem: "is not a search run (it has no \(fileName))",
                             fix: "give the --out directory of an `optimize search`")
        }
        let fix = "restore run.json; optimize writes it when a search starts and never needs it edited"
        let json: JSONValue
        do { json = try JSONReader.parse(bytes) } catch {
            throw InputError(.invalidRun, source: "\(path.string): \(error)", problem: "is not valid JSON", fix: fix)
        }
        guard json["format"]?.string == SearchSettings.format else {
            throw InputError(.invalidRun, source: "\(path.string): format",
                             problem: "is not \(SearchSettings.format), the run format this version reads", fix: fix)
        }
        do {
            return try coding.decoder.decode(RunFile.self, from: json, source: path.string, kind: .invalidRun)
        } catch {
            throw InputError(.invalidRun, source: error.source, problem: error.problem, fix: fix)
        }
    }

    /// Writes the file into the run's `directory`, atomically.
    public func write(directory: String) throws(InputError) {
        try AtomicFile.write(try Self.coding.encoder.encode(self).fileBytes, to: FilePath(directory).appending(Self.fileName))
    }
}
