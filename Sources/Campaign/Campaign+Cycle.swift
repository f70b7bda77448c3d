import Foundation
import Sieve
import WindowSearch

extension Campaign {
    /// A cycle's sieve: its plan and the history it reads.
    struct Prepared {
        let plan: SievePlan
        let history: DrawHistory
    }

    /// The seeds of cycle `number`.
    public func range(of number: Int) -> SeedRange {
        let first = UInt128(seeds.first) + UInt128(number) * UInt128(file.block)
        let last = min(UInt128(seeds.last), first + UInt128(file.block) - 1)
        return SeedRange(first: UInt64(first), last: UInt64(last))
    }

    /// Runs (or resumes) cycle `number`; `nil` when a stop was requested before its sieve finished.
    func runCycle(_ number: Int, champion: () throws -> CycleChampion, observer: (Event) -> Void,
                  shouldStop: () -> Bool) throws -> CycleRecord? {
        let began = Date()
        let relative = CampaignFiles.cycleDirectory(number)
        let cycleDirectory = path(relative)
        try FileIO.makeDirectory(cycleDirectory)
        // What a kill left of an atomic write in the cycle's files or its sweep's (never read).
        Self.removeTemporaries(in: cycleDirectory)
        Self.removeTemporaries(in: cycleDirectory.appending(CampaignFiles.cycleSweep))
        // The champion is fixed when the cycle starts: a resume reads it back.
        let startPath = cycleDirectory.appending(CampaignFiles.cycleStart)
        let start: CycleStart
        let resumed = FileIO.size(of: startPath) != nil
        if resumed {
            start = try Self.read(CycleStart.self, at: startPath)
        } else {
            let cycleSeeds = range(of: number)
            start = CycleStart(cycle: number, first: cycleSeeds.first, last: cycleSeeds.last,
                               champion: try usableChampion(try champion(), seeds: cycleSeeds), started: Timestamp.now())
            try Self.write(start, to: startPath)
        }
        let cycleSeeds = SeedRange(first: start.first, last: start.last)
        let used = start.champion
        say("cycle \(number) \(resumed ? "resumes" : "starts"): seeds \(cycleSeeds), champion \(used.loaded.source): "
                  + used.configuration.summary)
        observer(.cycleStarted(start, resumed: resumed))
        let prepared = try prepare(used.configuration, seeds: cycleSeeds)

        // The sieve's rate is timed from the sweep's first progress report to its last chunk: the
        // chance calibration that follows (a fixed sample per cycle) is not sieving the range.
        var sieveStarted: Date?
        var sieveEnded: Date?
        var seedsThisRun: UInt128 = 0
        var sweep = SieveSweep(directory: cycleDirectory.appending(CampaignFiles.cycleSweep).string, plan: prepared.plan,
                               history: prepared.history, seeds: cycleSeeds, backend: backend, chunkSize: file.chunkSize,
                               chanceSampleSize: file.chanceSampleSize, cancellation: cancellation)
        sweep.champion = used.loaded.source.json  // sweep.json records it, as `sieve --champion` does
        let ending = try sweep.run(progress: { progress in
            let now = Date()
            if sieveStarted == nil { sieveStarted = now }
            sieveEnded = now
            seedsThisRun = progress.seedsThisRun
            observer(.sieveProgress(cycle: number, progress: progress))
        }, shouldStop: shouldStop)
        guard case .complete(let summary) = ending else { return nil }
        let sieveSeconds = sieveStarted.flatMap { start in sieveEnded.map { $0.timeIntervalSince(start) } } ?? 0

        let canary = try runCanary(number, plan: prepared.plan, draws: prepared.history.count, champion: used.reference)
        let tally = try appendCandidates(number, plan: prepared.plan, seeds: cycleSeeds, championHash: used.reference.contentHash)

        let recordPath = path(CampaignFiles.cycleRecord(number))
        let record: CycleRecord
        if FileIO.size(of: recordPath) != nil {
            record = try Self.read(CycleRecord.self, at: recordPath)  // written before a kill: the history line is what is missing
        } else {
            let evidence = CandidateRule.Evidence(prepared.plan)
            let observed = evidence == .bidirectional ? summary.bidirectional ?? 0 : summary.forward
            let expected = evidence == .bidirectional ? Significance.conservativeExpectation(summary.chance)
                                                      : summary.chance.expected(.forward) ?? 0
            let rate: Double? = seedsThisRun > 0 && sieveSeconds > 0 ? Double(seedsThisRun) / sieveSeconds : nil
            record = CycleRecord(
                cycle: number, range: cycleSeeds.description, first: cycleSeeds.first, last: cycleSeeds.last,
                seeds: SeedCount(cycleSeeds.count), seconds: Date().timeIntervalSince(began), seedsPerSecond: rate,
                costPer232SeedsS: rate.map { 4_294_967_296 / $0 }, forwardSurvivors: summary.forward,
                bidirectionalSurvivors: summary.bidirectional, survivorTest: evidence == .bidirectional ? "bidirectional" : "forward",
                survivors: observed, expectedSurvivors: expected,
                survivorsVsChance: expected > 0 ? Double(observed) / expected : nil,
                survivorsBySkip: tally.bySkip.keys.sorted().map { .init(skip: $0, survivors: tally.bySkip[$0]!) }, candidates: tally.candidates,
                canary: canary, champion: used.reference, finished: Timestamp.now())
            try Self.write(record, to: recordPath)
        }
        try journal.append(RunFileCoding.encoder.encode(record))
        cycles.append(record)
        let report = try writeProgress()
        say("cycle \(number) done: \(record.survivors) survivors (chance \(String(format: "%.3g", record.expectedSurvivors))), "
                  + "\(record.candidates) candidate\(record.candidates == 1 ? "" : "s"), canary \(record.canary.recall == 1 ? "found" : "MISSED")"
                  + (record.seedsPerSecond.map { String(format: ", %.3g seeds/s", $0) } ?? ""))
        observer(.cycleFinished(record, report))
        return record
    }

    /// `offered`, or when it cannot sieve this campaign (another generator than the campaign's,
    /// sessions or a window the history does not have) the previous cycle's champion, said in the
    /// log: a champion promoted for another history must not stop a campaign at 3 a.m. The first
    /// cycle has no previous champion: its error stops the campaign.
    ///
    /// The generator (family and its parameters) is the first cycle's for the whole campaign: the
    /// seeds swept so far are that generator's, so a champion of another family (or the baseline,
    /// when the champion's file is removed) would leave a range half swept for each.
    func usableChampion(_ offered: CycleChampion, seeds cycleSeeds: SeedRange) throws -> CycleChampion {
        do {
            if let first = try firstChampion() {
                let (campaign, champion) = (first.configuration, offered.configuration)
                if campaign.parameters.prng != champion.parameters.prng || campaign.prngParameters != champion.prngParameters {
                    throw InputError(.invalidChampion, source: "\(offered.loaded.source)",
                                     problem: "sieves \(champion.parameters.prng), but this campaign sweeps \(campaign.parameters.prng)'s seeds",
                                     fix: "promote a champion of \(campaign.parameters.prng) for this campaign, or start another campaign (--out) for the other family")
                }
            }
            _ = try prepare(offered.configuration, seeds: cycleSeeds)
            return offered
        } catch {
            guard let previous = try previousChampion() else { throw error }
            say("the champion \(offered.loaded.source) cannot run this campaign (\(error)); keeping \(previous.loaded.source)")
            return previous
        }
    }

    /// The champion the first finished cycle started with: it fixes the campaign's generator.
    func firstChampion() throws(InputError) -> CycleChampion? {
        try cycles.first.map { record throws(InputError) in try champion(startedBy: record) }
    }

    /// The champion the last finished cycle started with.
    func previousChampion() throws(InputError) -> CycleChampion? {
        try cycles.last.map { record throws(InputError) in try champion(startedBy: record) }
    }

    /// The champion a finished cycle started with (its `start.json`).
    private func champion(startedBy record: CycleRecord) throws(InputError) -> CycleChampion {
        try Self.read(CycleStart.self, at: path(CampaignFiles.cycleDirectory(record.cycle)).appending(CampaignFiles.cycleStart)).champion
    }

    /// The sieve of a champion's configuration over `seeds`.
    func prepare(_ configuration: Champion.Configuration, seeds cycleSeeds: SeedRange) throws(InputError) -> Prepared {
        let p = configuration.parameters
        let place = "champion \(file.champion)"
        try configuration.validate(source: place)
        let family = try PRNGFamily.named(p.prng, source: "\(place): prng")
        guard cycleSeeds.last <= family.maxSeed else {
            throw InputError(.seedRangeBeyondWidth, source: "--seeds",
                             problem: "\(seeds) reaches past \(family.name)'s \(family.seedBits)-bit seeds (\(place))",
                             fix: "end the range at 2^\(family.seedBits) at most, or promote a champion of a wider family")
        }
        let kept = try filteredHistory(p.sessions)
        let residues = try kept.residues(modulus: configuration.modulus)
        let plan = try SievePlan(parameters: try configuration.sieveParameters(), residues: residues,
                                 source: "the history (sessions \(p.sessions))")
        return Prepared(plan: plan, history: kept)
    }

    /// The history a session choice keeps (checked against the campaign's checksum).
    func filteredHistory(_ choice: SessionChoice) throws(InputError) -> DrawHistory {
        guard let names = choice.names else { return history }
        if let cached = filtered[choice] { return cached }
        let format = try file.history.formatGiven.map { name throws(InputError) -> DrawHistory.Format in
            guard let format = DrawHistory.Format(rawValue: name) else {
                throw InputError(.damagedOutputDirectory, source: "\(CampaignFiles.campaign): history.format_given",
                                 problem: "'\(name)' is not a history format", fix: "restore campaign.json")
            }
            return format
        }
        let kept = try DrawHistory.load(path: history.source, format: format, sessions: names, newestFirst: file.history.newestFirst)
        guard kept.checksum == file.history.sha256 else {
            throw InputError(.outputDirectoryMismatch, source: history.source, problem: "changed while the campaign ran",
                             fix: "leave the history file unchanged until the campaign ends, or start a new campaign")
        }
        filtered[choice] = kept
        return kept
    }

    /// The cycle's canary, run once: read back when `canary.json` exists; a miss appended to
    /// `hard_bank.txt` unless a line for this cycle is there (a kill between the two).
    func runCanary(_ number: Int, plan: SievePlan, draws: Int, champion: ChampionReference) throws -> CanaryResult {
        let resultPath = path(CampaignFiles.cycleDirectory(number)).appending(CampaignFiles.cycleCanary)
        if FileIO.size(of: resultPath) != nil { return try Self.read(CanaryResult.self, at: resultPath) }
        let result = try Canary.run(cycle: number, plan: plan, draws: draws, seeds: file.canarySeeds, placement: canaryPlacement,
                                    backend: backend, cancellation: cancellation)
        if result.recall == 0 {
            let bank = path(CampaignFiles.hardBank)
            let existing = try JSONLines.read(bank)
            if !existing.lines.contains(where: { $0["cycle"]?.integer == number }) {
                var line = try RunFileCoding.encoder.encode(result)
                line = line.setting("champion", try RunFileCoding.encoder.encode(champion))
                try JSONLines.append([line], to: bank, goodLength: existing.goodLength)
            }
            say("cycle \(number): the canary (seed \(result.plantedSeed), skip \(result.plantedSkip)) was MISSED; appended to \(CampaignFiles.hardBank)")
        }
        try Self.write(result, to: resultPath)
        return result
    }

    /// Appends the cycle's candidates that `candidates.jsonl` does not hold yet, and counts its
    /// survivors by skip.
    func appendCandidates(_ number: Int, plan: SievePlan, seeds cycleSeeds: SeedRange, championHash: String?)
        throws -> (candidates: Int, bySkip: [Int: Int]) {
        let sweepDirectory = path(CampaignFiles.cycleDirectory(number)).appending(CampaignFiles.cycleSweep).string
        let contents = try SweepContents(directory: sweepDirectory)
        let p = plan.parameters
        let rule = CandidateRule(alpha: file.alpha, modulus: p.modulus, seeds: cycleSeeds.count, skips: p.skips.count)
        let evidence = CandidateRule.Evidence(plan)
        let draws = plan.forwardDraws.count + (evidence == .bidirectional ? plan.reverseDraws.count : 0)
        var found: [Candidate] = []
        var bySkip: [Int: Int] = [:]
        try contents.forEach { record in
            let skip: Int, matches: Int
            switch evidence {
            case .bidirectional:
                guard record.passed.contains(.bidirectional) else { return true }
                (skip, matches) = (Int(record.bidirectionalSkip), Int(record.bidirectionalForward + record.bidirectionalReverse))
            case .forward:
                guard record.passed.contains(.forward) else { return true }
                (skip, matches) = (Int(record.forwardSkip), Int(record.forwardMatches))
            }
            bySkip[skip, default: 0] += 1
            if rule.passes(matches: matches, draws: draws) {
                found.append(Candidate(cycle: number, seed: record.seed, skip: skip, matches: matches, draws: draws,
                                       log10P: rule.log10PValue(matches: matches, draws: draws), championHash: championHash))
            }
            return true
        }
        let file = path(CampaignFiles.candidates)
        let existing = try JSONLines.read(file)
        let present = Set(existing.lines.compactMap { line -> String? in
            guard line["cycle"]?.integer == number, let seed = line["seed"]?.uint64, let skip = line["skip"]?.integer else { return nil }
            return "\(seed)/\(skip)"
        })
        let missing = try found.filter { !present.contains("\($0.seed)/\($0.skip)") }.map { try RunFileCoding.encoder.encode($0) }
        try JSONLines.append(missing, to: file, goodLength: existing.goodLength)
        if !found.isEmpty { say("cycle \(number): \(found.count) candidate\(found.count == 1 ? "" : "s") in \(CampaignFiles.candidates)") }
        return (found.count, bySkip)
    }
}
