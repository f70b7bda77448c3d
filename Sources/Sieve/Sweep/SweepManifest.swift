/// `sweep.json`: a sweep's identity and how it is run, written once when the sweep starts.
public struct SweepManifest: Codable, Sendable {
    public static let fileName = "sweep.json"
    public static let currentFormat = "optimize-sweep 1"

    public let format: String
    public let identity: SweepIdentity
    /// The history file as the user named it when the sweep started (its content is the checksum).
    public let historyFile: String
    /// Seeds per journaled chunk: fixed for the sweep, so that a resume journals the same chunks.
    public let chunkSize: UInt64
    public let recordSize: Int
    public let strategy: String
    public let created: String
    public let version: String
    /// Where the window configuration came from when the sweep ran with a champion
    /// (`champion.source`, docs/operations.md §3): `{"source", "name", "content_hash"}`. Absent
    /// when the options gave it. Not part of the identity (it does not change a result), but a
    /// resume with another champion is refused all the same (``SieveSweep``).
    public let champion: JSONValue?

    public init(identity: SweepIdentity, historyFile: String, chunkSize: UInt64, strategy: String, champion: JSONValue? = nil) {
        format = Self.currentFormat
        self.identity = identity
        self.historyFile = historyFile
        self.chunkSize = chunkSize
        recordSize = SurvivorRecord.encodedSize
        self.strategy = strategy
        created = Timestamp.now()
        version = OptimizeVersion.current
        self.champion = champion
    }
}
