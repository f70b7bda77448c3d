import Foundation
import Sieve
import WindowSearch

/// One run's part of the monitor's screen (``MonitorFrame``): what a directory holds, read without
/// changing it.
///
/// A directory that cannot be shown as a search run gets a panel saying so; the monitor keeps
/// watching it (it may be created, or repaired, while the monitor runs).
enum MonitorPanel {
    /// A search run (`optimize search --out`), as ``RunSnapshot`` reads it, with the watcher's
    /// verdict on it (a damaged one: the verdict escalates, naming the file).
    case search(RunSnapshot, Verdict)
    /// A campaign's directory (one with `latest_progress.json`).
    ///
    /// CAMPAIGN PANELS PLUG IN HERE: a campaign reader returns its snapshot in this case and
    /// ``MonitorFrame/campaignLines(directory:)`` draws it (canary recall, candidates). Until then
    /// it is shown as a directory this monitor cannot read as a search run.
    case campaign(directory: String)
    /// Not a directory, not a search run, or files of an older version: why, in one line.
    case unreadable(directory: String, problem: String)

    /// The file that marks a campaign's directory.
    static let campaignMarker = "latest_progress.json"

    /// The panel of `directory` at `now`.
    static func read(_ directory: String, now: Date, rules: WatcherRules = .defaults) -> MonitorPanel {
        let marker = (directory as NSString).appendingPathComponent(campaignMarker)
        if FileManager.default.fileExists(atPath: marker),
           !FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent(RunFiles.run)) {
            return .campaign(directory: directory)
        }
        do {
            let snapshot = try RunSnapshot.read(directory: directory)
            return .search(snapshot, Watcher.verdict(snapshot, now: now, rules: rules))
        } catch {
            return .unreadable(directory: directory, problem: "\(error.source): \(error.problem)")
        }
    }

    var directory: String {
        switch self {
        case .search(let snapshot, _): snapshot.directory
        case .campaign(let directory), .unreadable(let directory, _): directory
        }
    }
}
