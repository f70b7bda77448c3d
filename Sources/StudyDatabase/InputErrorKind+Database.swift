import _OptimizeSupport

extension InputError.Kind {
    /// A `--storage` (or `OPTIMIZE_STORAGE`) value that is not a `postgresql://` URL optimize can use.
    public static let invalidStorageURL = Self("invalidStorageURL")
    /// The database server refused the user or password in the URL.
    public static let databaseAuthentication = Self("databaseAuthentication")
    /// No database server answered at the URL's host and port (refused, unreachable, timed out),
    /// or it went away and did not come back within the retry time.
    public static let databaseUnreachable = Self("databaseUnreachable")
    /// The server answered but refused the request: no such database, no permission, or a
    /// schema that is not optimize's.
    public static let databaseRefused = Self("databaseRefused")
    /// The database holds no study or search of the name given.
    public static let unknownStudy = Self("unknownStudy")
    /// The trial was handed to another worker after this one's lease ran out: its result is
    /// not recorded (the other worker's will be).
    public static let leaseLost = Self("leaseLost")
}
