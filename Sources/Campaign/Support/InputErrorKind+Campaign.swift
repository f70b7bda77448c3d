import _OptimizeSupport

extension InputError.Kind {
    /// An environment variable the campaign reads (`OPTIMIZE_CAMPAIGN_BLOCK`, `OPTIMIZE_CAMPAIGN_PAUSE`)
    /// holds a value it cannot use.
    public static let invalidEnvironment = Self("invalidEnvironment")
}
