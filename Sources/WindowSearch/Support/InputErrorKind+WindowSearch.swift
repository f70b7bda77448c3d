import _OptimizeSupport

extension InputError.Kind {
    /// A window search's bounds file (or the bounds it implies) is malformed or infeasible.
    public static let invalidSearchBounds = Self("invalidSearchBounds")
    /// A directory is not a readable window-search run (no or bad `run.json`).
    public static let invalidRun = Self("invalidRun")
    /// A new search was asked for where a run already exists (resume it instead).
    public static let runExists = Self("runExists")
}

extension InputError.Kind {
    /// A watcher rules file (`optimize status --rules FILE`) is not JSON, has an unknown field, or a
    /// value out of range.
    public static let invalidRules = Self("invalidRules")
}

extension InputError.Kind {
    /// A champion file (`champions/NAME.json`) is not JSON, has an unknown schema version, a content
    /// hash that does not match its content, another name, or a bad field.
    public static let invalidChampion = Self("invalidChampion")
    /// The trial asked to be promoted is pruned or failed, or the run has no complete trial.
    public static let unpromotableTrial = Self("unpromotableTrial")
    /// A rollback was asked for a champion without a backup (`NAME.json.bak`).
    public static let noChampionBackup = Self("noChampionBackup")
}
