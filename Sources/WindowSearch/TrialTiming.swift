/// One line of `timings.journal`: how long a trial took in the process that finished it. Kept
/// apart from the trial records, which hold no times, so that a resumed run's records equal an
/// uninterrupted one's.
public struct TrialTiming: Codable, Sendable {
    public static let fileName = "timings.journal"

    public let trial: Int
    public let seconds: Double
    /// Whether the trial's sieve had begun in an earlier process.
    public let resumed: Bool
    /// When it finished (ISO 8601).
    public let finished: String

    public init(trial: Int, seconds: Double, resumed: Bool, finished: String) {
        self.trial = trial
        self.seconds = seconds
        self.resumed = resumed
        self.finished = finished
    }

    /// Seconds per trial, summed over the processes that worked on it.
    public static func durations(_ timings: [TrialTiming]) -> [Int: Double] {
        var durations: [Int: Double] = [:]
        for timing in timings { durations[timing.trial, default: 0] += timing.seconds }
        return durations
    }

    /// The timings journaled in the run at `directory`.
    public static func read(directory: FilePath) throws(InputError) -> [TrialTiming] {
        let path = directory.appending(fileName)
        let contents = try Journal.read(path, damage: .damagedOutputDirectory)
        var timings: [TrialTiming] = []
        for (index, record) in contents.records.enumerated() {
            timings.append(try RunFileCoding.plainDecoder.decode(TrialTiming.self, from: record, source: "\(path.string): line \(index + 1)",
                                                                kind: .damagedOutputDirectory))
        }
        return timings
    }
}
