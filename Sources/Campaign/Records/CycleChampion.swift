import WindowSearch

/// The champion a cycle runs with, as ``WindowSearch/ChampionLoader`` loaded it: recorded whole in
/// the cycle's `start.json` (`champion`: its source; `record`: the champion file's content, null
/// for the baseline), so that a resumed cycle runs the same configuration after the file changed.
public struct CycleChampion: Sendable, Hashable, Codable {
    public var loaded: LoadedChampion

    public init(_ loaded: LoadedChampion) {
        self.loaded = loaded
    }

    public var configuration: Champion.Configuration { loaded.configuration }
    public var reference: ChampionReference { ChampionReference(loaded.source) }

    private enum CodingKeys: String, CodingKey {
        case champion, record
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(reference, forKey: .champion)
        if let champion = loaded.champion { try c.encode(champion, forKey: .record) } else { try c.encode(JSONValue.null, forKey: .record) }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let reference = try c.decode(ChampionReference.self, forKey: .champion)
        if try c.decode(JSONValue.self, forKey: .record) == .null {
            loaded = .baseline(name: reference.name)
        } else {
            loaded = LoadedChampion(champion: try c.decode(Champion.self, forKey: .record), path: reference.source)
        }
    }
}
