import Foundation
import Sieve
import WindowSearch

/// Reads a campaign directory into the watcher's ``WindowSearch/RunSnapshot`` (its cycles as the
/// snapshot's trials, ``WindowSearch/RunSnapshot/Campaign`` for the rest), read-only: for
/// `optimize status DIR`, which applies the same ``WindowSearch/Watcher`` and rules table.
public enum CampaignSnapshot {
    /// When the file at `path` was last modified (not following a symlink), or nil.
    static func modified(_ path: FilePath) -> Date? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path.string),
              attributes[.type] as? FileAttributeType == .typeRegular else { return nil }
        return attributes[.modificationDate] as? Date
    }

    /// Whether `directory` holds a campaign (`campaign.json`).
    public static func isCampaign(_ directory: String) -> Bool {
        let path = FilePath(directory).appending(CampaignFiles.campaign)
        return FileIO.size(of: path) != nil || FileIO.isSymbolicLink(path)
    }

    /// The campaign in `directory`. Damaged or unreadable files are listed in the snapshot's
    /// `damage`, never thrown: the watcher escalates them.
    public static func read(directory: String) throws(InputError) -> RunSnapshot {
        let base = FilePath(directory)
        var snapshot = RunSnapshot(directory: directory, runStatus: "unknown", totalTrials: 0, level: .infinity, trials: [],
                                   progressUpdated: nil, owner: RunSnapshot.owner(of: directory, lockName: CampaignFiles.lock))
        var damage: [RunSnapshot.Damage] = []
        func note(_ file: String, _ error: InputError) {
            damage.append(RunSnapshot.Damage(file: file, problem: "\(error.source): \(error.problem)"))
        }
        let file: CampaignFile
        let seeds: SeedRange
        do throws(InputError) {
            file = try Campaign.read(CampaignFile.self, at: base.appending(CampaignFiles.campaign))
            seeds = try file.seedRange(source: base.appending(CampaignFiles.campaign).string)
            guard file.block >= 1 else {
                throw InputError(.damagedOutputDirectory, source: CampaignFiles.campaign, problem: "block is 0", fix: "restore campaign.json")
            }
        } catch {
            note(CampaignFiles.campaign, error)
            snapshot.damage = damage
            return snapshot
        }
        let cyclesTotal = Int(clamping: (seeds.count + UInt128(file.block) - 1) / UInt128(file.block))
        snapshot.totalTrials = cyclesTotal
        var cycles: [CycleRecord] = []
        var historyRead = false
        do throws(InputError) {
            let path = base.appending(CampaignFiles.history)
            cycles = try Campaign.cycles(in: Journal.read(path, damage: .damagedOutputDirectory).records, path: path.string)
            historyRead = true
            if cycles.count > cyclesTotal {
                damage.append(.init(file: CampaignFiles.history, problem: "records \(cycles.count) cycles of a campaign of \(cyclesTotal)"))
            }
        } catch {
            note(CampaignFiles.history, error)
        }
        snapshot.trials = cycles.map {
            RunSnapshot.Trial(trial: $0.cycle, state: .complete, seconds: $0.seconds, finished: Timestamp.date($0.finished))
        }
        var candidates = 0
        do throws(InputError) { candidates = try JSONLines.read(base.appending(CampaignFiles.candidates)).lines.count } catch {
            note(CampaignFiles.candidates, error)
        }
        do throws(InputError) { _ = try JSONLines.read(base.appending(CampaignFiles.hardBank)) } catch { note(CampaignFiles.hardBank, error) }
        // latest_progress.json: absent before the first cycle ends; when there, a progress report.
        do throws(InputError) {
            if FileIO.size(of: base.appending(CampaignFiles.latestProgress)) != nil {
                let report = try Campaign.read(ProgressReport.self, at: base.appending(CampaignFiles.latestProgress))
                snapshot.runStatus = report.status
                snapshot.progressUpdated = Timestamp.date(report.lastUpdated.replacingOccurrences(of: "+00:00", with: "Z"))
            }
        } catch {
            note(CampaignFiles.latestProgress, error)
        }
        // A cycle writes its progress files once, at its end: while it runs, its sweep's journal
        // (a line per chunk) and its files are what change.
        let current = base.appending(CampaignFiles.cycleDirectory(cycles.count))
        let working = ([CampaignFiles.cycleStart, CampaignFiles.cycleCanary].map { current.appending($0) }
                       + [SweepJournal.fileName, SweepManifest.fileName, SweepSummary.fileName].map {
                           current.appending(CampaignFiles.cycleSweep).appending($0)
                       }).compactMap(modified)
        if let latest = working.max(), latest > (snapshot.progressUpdated ?? .distantPast) { snapshot.progressUpdated = latest }
        snapshot.campaign = RunSnapshot.Campaign(
            cyclesTotal: cyclesTotal, cycleSeeds: cycles.map { UInt64(clamping: $0.seeds.value) }, cycleCandidates: cycles.map(\.candidates),
            missedCanaries: cycles.filter { $0.canary.recall == 0 }.map(\.cycle), command: file.command, seedsTotal: String(seeds.count))
        // Candidates are appended before their cycle's record: after a kill between the two there
        // are more lines than records count, never fewer.
        if historyRead && candidates < snapshot.campaign!.candidates(cycles: cycles.count) {
            damage.append(.init(file: CampaignFiles.candidates,
                                problem: "holds \(candidates) candidates where the cycles' records count \(snapshot.campaign!.candidates(cycles: cycles.count))"))
        }
        snapshot.damage = damage
        return snapshot
    }
}
