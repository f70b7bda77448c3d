import Foundation
import Sieve
import WindowSearch

/// What `optimize monitor` shows of a campaign directory, read-only, every file through
/// ``WindowSearch/RetryingRead`` (a campaign replaces its progress files while it is watched).
///
/// It reuses the campaign's own readers: ``CampaignSnapshot`` (what `optimize status` judges, so
/// the monitor's verdict and staleness are the watcher's) and the records of `Records/`.
public struct CampaignView: Sendable {
    /// The cycle being sieved: its seeds and how many of them its sweep's journal has done.
    public struct InProgress: Sendable, Equatable {
        public var cycle: Int
        /// Seeds of the cycle (from its `start.json`), nil before that file is written.
        public var seeds: UInt64?
        /// Seeds in the sweep journal's chunks (0 before the first chunk).
        public var swept: UInt64
    }

    /// The watcher's view of the campaign (its cycles as trials, damage listed).
    public var snapshot: RunSnapshot
    /// `latest_progress.json`, nil before the first cycle ends or when unreadable (then in `damage`).
    public var report: ProgressReport?
    /// `cycles/NNNNNN.json` of the last finished cycle.
    public var lastCycle: CycleRecord?
    /// Lines of `candidates.jsonl`, and its last ``recentCandidateCount``.
    public var candidateCount: Int
    public var recentCandidates: [Candidate]
    /// Lines of `hard_bank.txt`: canaries missed.
    public var hardNegatives: Int
    /// The cycle in progress (none when every cycle is done).
    public var inProgress: InProgress?

    /// How many of the last candidates the monitor lists.
    public static let recentCandidateCount = 3

    /// The campaign in `directory`. Unreadable files are added to the snapshot's `damage` (after
    /// the retries), never thrown: the monitor keeps watching.
    public static func read(directory: String) -> CampaignView {
        let base = FilePath(directory)
        // The snapshot lists damage rather than throwing: a read showing damage is retried too.
        var snapshot = readSnapshot(directory)
        var damage: [RunSnapshot.Damage] = []
        func reading<T>(_ file: String, _ body: () throws(InputError) -> T) -> T? {
            do { return try RetryingRead.attempt(body) } catch {
                if !snapshot.damage.contains(where: { $0.file == file }) {
                    damage.append(.init(file: file, problem: "\(error.source): \(error.problem)"))
                }
                return nil
            }
        }
        let report = reading(CampaignFiles.latestProgress) { () throws(InputError) -> ProgressReport? in
            FileIO.size(of: base.appending(CampaignFiles.latestProgress)) == nil
                ? nil : try Campaign.read(ProgressReport.self, at: base.appending(CampaignFiles.latestProgress))
        } ?? nil
        let done = snapshot.trials.count
        let lastCycle = done == 0 ? nil : reading(CampaignFiles.cycleRecord(done - 1)) { () throws(InputError) in
            try Campaign.read(CycleRecord.self, at: base.appending(CampaignFiles.cycleRecord(done - 1)))
        }
        let lines = reading(CampaignFiles.candidates) { () throws(InputError) in
            try JSONLines.read(base.appending(CampaignFiles.candidates)).lines
        } ?? []
        var recent: [Candidate] = []
        for line in lines.suffix(recentCandidateCount) {
            // A line that is JSON but not a candidate is damage to report, not a row to drop quietly.
            do throws(InputError) {
                recent.append(try RunFileCoding.plainDecoder.decode(Candidate.self, from: line, source: CampaignFiles.candidates,
                                                                    kind: .damagedOutputDirectory))
            } catch {
                damage.append(.init(file: CampaignFiles.candidates, problem: "\(error.source): \(error.problem)"))
                break
            }
        }
        let hard = reading(CampaignFiles.hardBank) { () throws(InputError) in
            try JSONLines.read(base.appending(CampaignFiles.hardBank)).lines.count
        } ?? report?.hardNegatives ?? 0
        var inProgress: InProgress?
        if let campaign = snapshot.campaign, done < campaign.cyclesTotal {
            let cycle = base.appending(CampaignFiles.cycleDirectory(done))
            let startPath = cycle.appending(CampaignFiles.cycleStart)
            let start = reading("\(CampaignFiles.cycleDirectory(done))/\(CampaignFiles.cycleStart)") { () throws(InputError) -> CycleStart? in
                FileIO.size(of: startPath) == nil ? nil : try Campaign.read(CycleStart.self, at: startPath)
            } ?? nil
            let journal = cycle.appending(CampaignFiles.cycleSweep).appending(SweepJournal.fileName)
            let entries = reading("\(CampaignFiles.cycleDirectory(done))/\(CampaignFiles.cycleSweep)/\(SweepJournal.fileName)") {
                () throws(InputError) in try SweepJournal.read(journal)
            } ?? []
            let swept = entries.reduce(UInt64(0)) { $0 &+ ($1.last &- $1.first &+ 1) }
            inProgress = InProgress(cycle: done, seeds: start.map { $0.last &- $0.first &+ 1 }, swept: swept)
        }
        snapshot.damage += damage
        return CampaignView(snapshot: snapshot, report: report, lastCycle: lastCycle, candidateCount: lines.count,
                            recentCandidates: recent, hardNegatives: hard, inProgress: inProgress)
    }

    /// ``CampaignSnapshot/read(directory:)`` until it shows no damage, up to ``WindowSearch/RetryingRead/attempts``
    /// times: the last read's damage stays (damage that lasts is the watcher's to escalate).
    static func readSnapshot(_ directory: String) -> RunSnapshot {
        var last: RunSnapshot?
        do {
            return try RetryingRead.attempt { () throws(InputError) -> RunSnapshot in
                let snapshot = try CampaignSnapshot.read(directory: directory)
                last = snapshot
                if let damage = snapshot.damage.first {
                    throw InputError(.damagedOutputDirectory, source: damage.file, problem: damage.problem, fix: "restore the campaign directory")
                }
                return snapshot
            }
        } catch {
            if let last { return last }
            var snapshot = RunSnapshot(directory: directory, runStatus: "unknown", totalTrials: 0, level: .infinity, trials: [],
                                       progressUpdated: nil, owner: RunSnapshot.owner(of: directory, lockName: CampaignFiles.lock))
            snapshot.damage = [.init(file: error.source, problem: error.problem)]
            return snapshot
        }
    }
}
