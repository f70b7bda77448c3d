import Foundation
import _OptimizeSupport

/// The names of a campaign directory's files (docs/operations.md §2): what users' tools read, so
/// they never change.
public enum CampaignFiles {
    /// The campaign's identity: history, champion, seeds, block (``CampaignFile``).
    public static let campaign = "campaign.json"
    /// Held by the one runner of the directory (``Sieve/DirectoryLock``).
    public static let lock = "campaign.lock"
    /// One checksummed record per finished cycle (a ``Journal`` of ``CycleRecord``s).
    public static let history = "history.jsonl"
    /// The last cycle's progress report (``ProgressReport``).
    public static let latestProgress = "latest_progress.json"
    /// Every canary miss, one JSON object per line.
    public static let hardBank = "hard_bank.txt"
    /// Every significant survivor, one JSON object per line (``Candidate``).
    public static let candidates = "candidates.jsonl"
    /// `cycles/NNNNNN/` (a cycle's work) and `cycles/NNNNNN.json` (its record).
    public static let cycles = "cycles"
    /// The log folder, created on start, and its rotating log.
    public static let logs = "logs"
    public static let log = "logs/campaign.log"
    /// Inside a cycle's directory: the champion fixed at its start, the sieve's sweep, the canary.
    public static let cycleStart = "start.json"
    public static let cycleSweep = "sweep"
    public static let cycleCanary = "canary.json"

    /// `NNNNNN`, six digits.
    public static func number(_ cycle: Int) -> String { String(format: "%06d", cycle) }
    /// `cycles/NNNNNN`.
    public static func cycleDirectory(_ cycle: Int) -> String { "\(cycles)/\(number(cycle))" }
    /// `cycles/NNNNNN.json`.
    public static func cycleRecord(_ cycle: Int) -> String { "\(cycles)/\(number(cycle)).json" }
    /// `progress_report_NNNNNN.json`.
    public static func progressReport(_ cycle: Int) -> String { "progress_report_\(number(cycle)).json" }
}
