import Foundation
import Sieve
import Study
@testable import WindowSearch

/// Histories and runs for the window-search tests.
enum Fixture {
    /// A fresh, empty directory.
    static func scratch() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("window-search-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    /// Writes draws as the reference's JSON history, with optional sessions.
    static func writeHistory(_ draws: [UInt64], sessions: [String]? = nil, to path: String) throws {
        let entries = draws.enumerated().map { index, draw in
            if let sessions { return #"{"draw": \#(draw), "session": "\#(sessions[index])"}"# }
            return #"{"draw": \#(draw)}"#
        }
        try Data(("[" + entries.joined(separator: ",\n") + "]\n").utf8).write(to: URL(fileURLWithPath: path))
    }

    /// Uniform random draws below `modulus`.
    static func randomDraws(count: Int, seed: UInt64, modulus: UInt64 = 1000) -> [UInt64] {
        var random = SplitMix64(seed: seed)
        return (0..<count).map { _ in random.below(modulus) }
    }

    /// Random draws with a planted stretch: draws `segment` come from `seed`'s stream at skip
    /// `skip` (draw j = out_{(j+1)(skip+1)}, the positions a whole planted history would have),
    /// with a fraction `noise` of them replaced.
    static func partlyPlanted(count: Int, segment: Range<Int>, family: PRNGFamily.ID, seed: UInt64, skip: UInt64,
                              noise: Double, randomSeed: UInt64) throws -> [UInt64] {
        let planted = try PlantedHistory(configuration: PRNGConfiguration(family), seed: seed, count: count, skip: skip,
                                         modulus: 1000, noise: .init(fraction: noise, seed: randomSeed ^ 0xA5A5))
        var draws = randomDraws(count: count, seed: randomSeed)
        for index in segment { draws[index] = planted.draws[index] }
        return draws
    }

    /// Settings for a search of `history` with `bounds` read over the defaults.
    static func settings(historyPath: String, history: DrawHistory, prng: String, seeds: SeedRange, trials: Int, seed: UInt64,
                         bounds boundsJSON: String, objective: Objective = .significance, chunkSize: UInt64 = 1 << 14,
                         chanceSample: Int = 1 << 16) throws -> SearchSettings {
        let shape = HistoryShape(history: history)
        let defaults = SearchBounds.defaults(shape: shape, prng: prng, referenceMode: false)
        let bounds = try SearchBounds.read(try JSONReader.parse(boundsJSON), source: "bounds", over: defaults)
        let settings = SearchSettings(
            historyFile: historyPath, historyPath: historyPath, historyFormat: nil, newestFirst: false,
            historyChecksum: history.checksum, prng: prng, prngParameters: [:], modulus: 1000, seeds: seeds,
            referenceMode: false, fullReverse: false, backend: "cpu", objective: objective, alpha: 0.01, trials: trials,
            samplerSeed: seed, chunkSize: chunkSize, chanceSampleSize: chanceSample, bounds: bounds)
        try settings.validate(shape: shape, boundsSource: "bounds")
        return settings
    }

    /// Runs a search to the end in `directory`.
    @discardableResult
    static func search(_ directory: String, historyPath: String, prng: String, seeds: SeedRange, trials: Int, seed: UInt64,
                       bounds: String, objective: Objective = .significance) throws -> SearchRun {
        let history = try DrawHistory.load(path: historyPath)
        let settings = try settings(historyPath: historyPath, history: history, prng: prng, seeds: seeds, trials: trials,
                                    seed: seed, bounds: bounds, objective: objective)
        let run = try SearchRun.start(directory: directory, settings: settings, history: history, resume: false)
        let ending = try run.run()
        guard case .complete = ending else { throw InputError(.invalidRun, source: directory, problem: "interrupted", fix: "") }
        return run
    }

    /// A JSON file's text with the values of its time fields (`last_updated`, `completed_at`,
    /// `timestamp_injected`, and `run_id`, made from the run's creation time) replaced by `<time>`:
    /// what must be identical between a run killed and resumed and an uninterrupted one.
    static func maskingTimes(_ data: Data) -> String {
        String(decoding: data, as: UTF8.self).replacing(
            #/"(?<key>last_updated|completed_at|timestamp_injected|run_id)": "[^"]*"/#, with: { "\"\($0.output.key)\": \"<time>\"" })
    }

    /// A file's bytes (empty when missing).
    static func bytes(_ directory: String, _ name: String) -> Data {
        FileManager.default.contents(atPath: (directory as NSString).appendingPathComponent(name)) ?? Data()
    }
}
