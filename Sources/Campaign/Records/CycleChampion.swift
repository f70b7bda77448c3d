/// The champion a cycle runs with: its configuration, and which champion (file and hash) it was.
public struct CycleChampion: Sendable, Hashable, Codable {
    public var configuration: CampaignConfiguration
    public var champion: ChampionReference

    public init(configuration: CampaignConfiguration, champion: ChampionReference) {
        self.configuration = configuration
        self.champion = champion
    }
}
