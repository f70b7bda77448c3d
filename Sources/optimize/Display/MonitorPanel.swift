import Campaign
import Foundation
import SearchWorkers
import Sieve
import WindowSearch

/// One run's part of the monitor's screen (``MonitorFrame``): what a directory holds, read without
/// changing it.
///
/// A directory that cannot be shown as a search run or a campaign gets a panel saying so; the monitor keeps
/// watching it (it may be created, or repaired, while the monitor runs).
enum MonitorPanel {
    /// A search run (`optimize search --out`), as ``RunSnapshot`` reads it, with the watcher's
    /// verdict on it (a damaged one: the verdict escalates, naming the file).
    case search(RunSnapshot, Verdict)
    /// A campaign (`optimize campaign run --out`: `campaign.json` or `latest_progress.json`), as
    /// ``Campaign/CampaignView`` reads it, with the watcher's verdict on its snapshot (the verdict
    /// `optimize status` gives it); ``MonitorFrame/campaignLines(_:_:)`` draws it.
    case campaign(CampaignView, Verdict)
    /// Not a directory, not a search run, or files of an older version: why, in one line.
    case unreadable(directory: String, problem: String)

    /// The file that marks a campaign's directory.
    static let campaignMarker = "latest_progress.json"

    /// The panel of `directory` at `now`.
    static func read(_ directory: String, now: Date, rules: WatcherRules = .defaults) -> MonitorPanel {
        let marker = (directory as NSString).appendingPathComponent(campaignMarker)
        // campaign.json is what `optimize status` goes by; latest_progress.json too, so that a
        // campaign whose campaign.json is lost shows as a damaged campaign, not as a broken search.
        if CampaignSnapshot.isCampaign(directory) || (FileManager.default.fileExists(atPath: marker)
            && !FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent(RunFiles.run))) {
            let view = CampaignView.read(directory: directory)
            return .campaign(view, Watcher.verdict(view.snapshot, now: now, rules: rules))
        }
        do {
            let snapshot = try RunSnapshot.read(directory: directory)
            return .search(snapshot, Watcher.verdict(snapshot, now: now, rules: rules))
        } catch {
            return .unreadable(directory: directory, problem: "\(error.source): \(error.problem)")
        }
    }

    /// The panel of a search in a study database (``SearchWorkers/SharedSearch/snapshot()``).
    static func read(_ search: SharedSearch, now: Date, rules: WatcherRules = .defaults) -> MonitorPanel {
        do {
            let snapshot = try search.snapshot()
            return .search(snapshot, Watcher.verdict(snapshot, now: now, rules: rules))
        } catch {
            return .unreadable(directory: search.source, problem: "\(error)")
        }
    }

    var directory: String {
        switch self {
        case .search(let snapshot, _): snapshot.directory
        case .campaign(let view, _): view.snapshot.directory
        case .unreadable(let directory, _): directory
        }
    }
}
