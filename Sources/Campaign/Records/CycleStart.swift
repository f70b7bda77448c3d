/// `cycles/NNNNNN/start.json`: a cycle as it began, written before its sieve: its seeds and the
/// champion it uses, fixed then, so that a resumed cycle sieves with the same champion even if the
/// champion's file changed since.
public struct CycleStart: Sendable, Equatable, Codable {
    public var cycle: Int
    /// The first and last seed of the cycle (inclusive).
    public var first: UInt64
    public var last: UInt64
    public var champion: CycleChampion
    public var started: String

    public init(cycle: Int, first: UInt64, last: UInt64, champion: CycleChampion, started: String) {
        self.cycle = cycle
        self.first = first
        self.last = last
        self.champion = champion
        self.started = started
    }
}
