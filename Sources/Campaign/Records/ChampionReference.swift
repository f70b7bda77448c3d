/// Which champion a cycle used, as the champion library encodes its source:
/// `{"source": path-or-"baseline", "name", "content_hash"}`.
public struct ChampionReference: Sendable, Hashable, Codable {
    /// The champion file's path, or `baseline`.
    public var source: String
    public var name: String
    /// The champion file's content hash: a replaced champion has another.
    public var contentHash: String

    public init(source: String, name: String, contentHash: String) {
        self.source = source
        self.name = name
        self.contentHash = contentHash
    }

    private enum CodingKeys: String, CodingKey {
        case source, name, contentHash = "content_hash"
    }
}
