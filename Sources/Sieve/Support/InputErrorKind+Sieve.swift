import _OptimizeSupport

extension InputError.Kind {
    /// No PRNG family has the given name.
    public static let unknownFamily = Self("unknownFamily")
    /// A family parameter is unknown, malformed, or out of its range.
    public static let invalidParameter = Self("invalidParameter")
    /// A seed, or a seed range, is malformed or does not fit the family's seed width.
    public static let invalidSeed = Self("invalidSeed")
    /// A seed range is empty or inverted.
    public static let emptySeedRange = Self("emptySeedRange")
    /// A seed range reaches past the family's seed width.
    public static let seedRangeBeyondWidth = Self("seedRangeBeyondWidth")
    /// skip_min > skip_max, or a skip range the sieve cannot take.
    public static let invalidSkipRange = Self("invalidSkipRange")
    /// A threshold outside [0, 1], or a match count outside the window.
    public static let invalidThreshold = Self("invalidThreshold")
    /// A draw-history file is not valid JSON or CSV, or not shaped as a history.
    public static let malformedHistory = Self("malformedHistory")
    /// A history entry has no draw.
    public static let missingDraw = Self("missingDraw")
    /// A draw is not below the modulus.
    public static let drawOutOfRange = Self("drawOutOfRange")
    /// A draw is negative, fractional, or not a number.
    public static let invalidDraw = Self("invalidDraw")
    /// A session filter names a session the history does not hold.
    public static let unknownSession = Self("unknownSession")
    /// No draws remain after filtering.
    public static let emptyHistory = Self("emptyHistory")
    /// A forward or reverse window does not fit the history.
    public static let windowDoesNotFit = Self("windowDoesNotFit")
    /// An output directory holds a run with other parameters or another history.
    public static let outputDirectoryMismatch = Self("outputDirectoryMismatch")
    /// An output directory's files are damaged beyond what a resume can repair.
    public static let damagedOutputDirectory = Self("damagedOutputDirectory")
    /// `--shard auto` found both a Slurm job array's and a Kubernetes Indexed Job's variables set:
    /// which scheduler's index to use cannot be guessed.
    public static let ambiguousShardEnvironment = Self("ambiguousShardEnvironment")
    /// `--shard auto` found no scheduler's index, or a scheduler's index without the variable (or
    /// `--shard-count`) that gives the number of shards.
    public static let missingShardEnvironment = Self("missingShardEnvironment")
    /// `--shard auto` found a scheduler's variable that is not a number, out of range, or
    /// inconsistent with the others (an array that is not evenly stepped, a count that disagrees).
    public static let invalidShardEnvironment = Self("invalidShardEnvironment")
}
