import Foundation

/// What ``ChampionLoader`` gives a program to run with: a configuration and where it came from.
public struct LoadedChampion: Sendable, Hashable {
    /// The window configuration: the champion's, or the baseline.
    public let configuration: Champion.Configuration
    /// `champion.source`: the file, or the baseline.
    public let source: ChampionSource
    /// The champion as its file has it; nil for the baseline.
    public let champion: Champion?

    /// A champion read from the file at `path`.
    public init(champion: Champion, path: String) {
        configuration = champion.configuration
        source = .file(path: path, name: champion.name, contentHash: champion.contentHash)
        self.champion = champion
    }

    /// The baseline, for a champion `name` that does not exist.
    public static func baseline(name: String) -> LoadedChampion {
        LoadedChampion(configuration: .baseline, source: .baseline(name: name), champion: nil)
    }

    private init(configuration: Champion.Configuration, source: ChampionSource, champion: Champion?) {
        self.configuration = configuration
        self.source = source
        self.champion = champion
    }

    /// Whether the configuration is the baseline (there is no champion of that name).
    public var isBaseline: Bool { source.isBaseline }
}
