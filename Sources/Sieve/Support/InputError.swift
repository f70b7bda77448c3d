/// Bad input from a user: a file, a field or an option, what is wrong with it, and how to fix it.
///
/// Every check on user input throws this type, so that the command line can print one clear line
/// and exit with a status that tells the kinds apart (``Kind``).
///
/// ```swift
/// throw InputError(.invalidOption, source: "--count",
///                  problem: "0 draws asked for", fix: "give --count between 1 and 16777216")
/// // --count: 0 draws asked for. Fix: give --count between 1 and 16777216.
/// ```
public struct InputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of input is wrong. Each kind has its own exit status in the command line.
    public enum Kind: String, Sendable, CaseIterable {
        /// No PRNG family has the given name.
        case unknownFamily
        /// A family parameter is unknown, malformed, or out of its range.
        case invalidParameter
        /// A seed, or a seed range, is malformed or does not fit the family's seed width.
        case invalidSeed
        /// An option's value is malformed or out of range (counts, moduli, skips, fractions).
        case invalidOption
        /// A seed range is empty or inverted.
        case emptySeedRange
        /// A seed range reaches past the family's seed width.
        case seedRangeBeyondWidth
        /// skip_min > skip_max, or a skip range the sieve cannot take.
        case invalidSkipRange
        /// A threshold outside [0, 1], or a match count outside the window.
        case invalidThreshold
        /// A file could not be read.
        case unreadableFile
        /// A file could not be written.
        case unwritableFile
        /// A draw-history file is not valid JSON or CSV, or not shaped as a history.
        case malformedHistory
        /// A history entry has no draw.
        case missingDraw
        /// A draw is not below the modulus.
        case drawOutOfRange
        /// A draw is negative, fractional, or not a number.
        case invalidDraw
        /// A session filter names a session the history does not hold.
        case unknownSession
        /// No draws remain after filtering.
        case emptyHistory
        /// A forward or reverse window does not fit the history.
        case windowDoesNotFit
        /// An output directory holds a run with other parameters or another history.
        case outputDirectoryMismatch
        /// An output directory's files are damaged beyond what a resume can repair.
        case damagedOutputDirectory
        /// A search space (a space file, or parameters given in code) is malformed.
        case invalidSpace
        /// A directory is not a readable study: no or bad `study.json`, or a damaged journal.
        case invalidStudy
        /// A new study was asked for where one already exists.
        case studyExists
        /// A trial number that the study never handed out.
        case unknownTrial
        /// A trial that was already told, failed or pruned.
        case finishedTrial
        /// A window search's bounds file (or the bounds it implies) is malformed or infeasible.
        case invalidSearchBounds
        /// A directory is not a readable window-search run (no or bad `run.json`).
        case invalidRun
        /// A new search was asked for where a run already exists (resume it instead).
        case runExists
        /// Another process is running the same search.
        case runBusy
    }

    public let kind: Kind
    /// The file, field or option at fault, as the user wrote it (`--count`, `draws.json: entry 7`).
    public let source: String
    /// What is wrong, as a phrase.
    public let problem: String
    /// What to do about it, as an imperative phrase.
    public let fix: String

    public init(_ kind: Kind, source: String, problem: String, fix: String) {
        self.kind = kind
        self.source = source
        self.problem = problem
        self.fix = fix
    }

    public var description: String { "\(source): \(problem). Fix: \(fix)." }
}
