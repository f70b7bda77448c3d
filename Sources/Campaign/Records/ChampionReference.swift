import WindowSearch

/// Which champion a cycle used, as ``WindowSearch/ChampionSource`` records it:
/// `{"source": path-or-"baseline", "name", "content_hash"}` (`content_hash` null for the baseline).
public struct ChampionReference: Sendable, Hashable, Codable {
    /// The champion file's path, or `baseline`.
    public var source: String
    public var name: String
    /// The champion file's content hash: a replaced champion has another (nil: the baseline).
    public var contentHash: String?

    public init(_ source: ChampionSource) {
        self.source = source.source
        self.name = source.name
        self.contentHash = source.contentHash
    }

    private enum CodingKeys: String, CodingKey {
        case source, name, contentHash = "content_hash"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(source, forKey: .source)
        try c.encode(name, forKey: .name)
        try c.encode(contentHash.map(JSONValue.string) ?? .null, forKey: .contentHash)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        source = try c.decode(String.self, forKey: .source)
        name = try c.decode(String.self, forKey: .name)
        contentHash = try c.decode(JSONValue.self, forKey: .contentHash).string
    }

    /// The hash, or `baseline`, for messages.
    public var hashText: String { contentHash ?? "baseline" }
}
