import _OptimizeSupport

extension InputError.Kind {
    /// A search space (a space file, or parameters given in code) is malformed.
    public static let invalidSpace = Self("invalidSpace")
    /// A directory is not a readable study: no or bad `study.json`, or a damaged journal.
    public static let invalidStudy = Self("invalidStudy")
    /// A new study was asked for where one already exists.
    public static let studyExists = Self("studyExists")
    /// A trial number that the study never handed out.
    public static let unknownTrial = Self("unknownTrial")
    /// A trial that was already told, failed or pruned.
    public static let finishedTrial = Self("finishedTrial")
}
