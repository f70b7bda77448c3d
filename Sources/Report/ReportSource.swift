import Foundation
import OptimizeMetrics
import Sieve
import WindowSearch

/// What a directory holds, as `optimize report` tells it: a search run (`run.json`), a sieve
/// sweep (`sweep.json`), a campaign (`campaign.json`) or a soak (`soak.json`).
public enum ReportSource: String, Sendable, CaseIterable {
    case search = "search run"
    case sweep = "sieve sweep"
    case campaign
    case soak

    /// What `directory` holds, or nil when it holds none of them.
    public static func detect(_ directory: String) -> ReportSource? {
        let path = FilePath(directory)
        if CampaignSnapshot.isCampaign(directory) { return .campaign }
        if SoakReport.isSoak(directory) { return .soak }
        if FileIO.size(of: path.appending(RunFiles.run)) != nil { return .search }
        if FileIO.size(of: path.appending(SweepManifest.fileName)) != nil { return .sweep }
        return nil
    }

    /// The report of what `directory` holds.
    ///
    /// - Parameters:
    ///   - directory: a search run's, a sweep's or a campaign's directory.
    ///   - champions: where champions promoted from a search run are looked for.
    ///   - metrics: the metrics store whose trends a soak's report shows (nil: none).
    /// - Throws: ``InputError``: `unreadableFile` when the directory holds none of them, or the
    ///   error of its main file when that cannot be read.
    public static func document(for directory: String, champions: FilePath = FilePath("champions"),
                                metrics: MetricsStore? = nil) throws(InputError) -> ReportDocument {
        guard FileIO.isDirectory(FilePath(directory)) else {
            throw InputError(.unreadableFile, source: directory, problem: "is not a directory",
                             fix: "give the --out directory of `optimize search`, `optimize sieve`, `optimize campaign run` or `optimize soak`")
        }
        switch detect(directory) {
        case .search: return try SearchReport.read(directory: directory, champions: champions).document
        case .sweep: return try SweepReport.read(directory: directory).document
        case .campaign: return try CampaignReport.read(directory: directory).document
        case .soak: return try SoakReport.read(directory: directory, metrics: metrics).document
        case nil:
            throw InputError(.unreadableFile, source: directory,
                             problem: "holds no search run (run.json), sieve sweep (sweep.json), campaign (campaign.json) or soak (soak.json)",
                             fix: "give the --out directory of `optimize search`, `optimize sieve`, `optimize campaign run` or `optimize soak`")
        }
    }
}
