import Foundation
import Sieve
@testable import Campaign

/// Histories, champions and campaigns for the campaign tests.
enum CampaignFixture {
    static let plantedSeed: UInt64 = 5000
    static let plantedSkip: UInt64 = 3

    static func scratch() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("campaign-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    /// A java_lcg history of 60 draws planted from ``plantedSeed`` at ``plantedSkip``, with 5 % noise.
    static func writeHistory(in directory: String) throws -> (path: String, history: DrawHistory) {
        let planted = try PlantedHistory(configuration: PRNGConfiguration(.java_lcg), seed: plantedSeed, count: 60,
                                         skip: plantedSkip, modulus: 1000, noise: .init(fraction: 0.05, seed: 9))
        let path = (directory as NSString).appendingPathComponent("history.json")
        let entries = planted.draws.map { #"{"draw": \#($0)}"# }
        try Data(("[" + entries.joined(separator: ",\n") + "]\n").utf8).write(to: URL(fileURLWithPath: path))
        return (path, try DrawHistory.load(path: path))
    }

    static func configuration(window: Int = 20, skips: ClosedRange<Int> = 0...7, threshold: String = "0.3") -> Champion.Configuration {
        Champion.Configuration(
            parameters: TrialParameters(windowSize: window, offset: 20, burn: 0, skipMin: skips.lowerBound, skipMax: skips.upperBound,
                                        forwardThreshold: threshold, reverseThreshold: threshold, sessions: "all", prng: "java_lcg"),
            modulus: 1000)
    }

    /// A champion named `night` with `configuration`, promoted at `promotedAt` (which changes its hash).
    static func championRecord(_ configuration: Champion.Configuration = configuration(),
                               promotedAt: String = "2026-12-02T01:00:00.000+00:00") -> Champion {
        Champion(name: "night", configuration: configuration,
                 origin: .init(run: "run", trial: 0, historySHA256: "0", history: "history.json", family: "java_lcg",
                               seeds: "0..<16384", significance: nil, toolVersion: nil, gitCommit: nil),
                 promotedAt: promotedAt)
    }

    static func champion(_ configuration: Champion.Configuration = configuration(),
                         promotedAt: String = "2026-12-02T01:00:00.000+00:00") -> CycleChampion {
        CycleChampion(LoadedChampion(champion: championRecord(configuration, promotedAt: promotedAt), path: "champions/night.json"))
    }

    static var hashA: String { championRecord().contentHash }

    static func file(historyPath: String, history: DrawHistory, seeds: String = "0..<16384", block: UInt64 = 4096) throws -> CampaignFile {
        CampaignFile(
            champion: "night", championsDirectory: "champions",
            history: .init(file: historyPath, path: historyPath, sha256: history.checksum, formatGiven: nil, newestFirst: false),
            seeds: try SeedRange.parse(seeds, family: .family(.java_lcg)), block: block, chunkSize: 1024,
            chanceSampleSize: 1 << 16, command: "optimize campaign run …")
    }

    /// The text of every file under `directory` (relative path → text), times and process ids masked.
    static func files(_ directory: String) throws -> [String: String] {
        var result: [String: String] = [:]
        let base = URL(fileURLWithPath: directory)
        let enumerator = FileManager.default.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey])!
        for case let url as URL in enumerator {
            guard try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true else { continue }
            let relative = String(url.path.dropFirst(base.path.count + 1))
            if relative.hasPrefix("logs/") || relative.hasSuffix(".lock") { continue }
            let data = try Data(contentsOf: url)
            if relative.hasSuffix(".bin") {
                result[relative] = data.base64EncodedString()
                continue
            }
            let text = String(decoding: data, as: UTF8.self)
            result[relative] = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
                var body = Substring(line)
                // A journal line: checksum, space, JSON (the checksum covers the times).
                if body.count > 9, body[body.index(body.startIndex, offsetBy: 8)] == " ", body.first != "{" { body = body.dropFirst(9) }
                return mask(String(body))
            }.joined(separator: "\n")
        }
        return result
    }

    static let timeFields = ["seconds", "seeds_per_second", "cost_per_2_32_seeds_s", "recent_seeds_per_second",
                             "recent_cost_per_2_32_seeds_s", "last_updated", "finished", "started", "created"]

    /// `text` with the values of time fields replaced by `…`.
    static func mask(_ text: String) -> String {
        var output = text
        for field in timeFields {
            let pattern = "\"\(field)\"\\s*:\\s*(\"[^\"]*\"|[-0-9.eE+]+|null)"
            output = output.replacingOccurrences(of: pattern, with: "\"\(field)\": …", options: .regularExpression)
        }
        return output
    }
}
