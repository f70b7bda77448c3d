import ArgumentParser
import Campaign
import Foundation
import Sieve
import WindowSearch

/// `optimize campaign`: the overnight runner (README "Campaigns", docs/operations.md §2).
struct CampaignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "campaign",
        abstract: "The overnight runner: sweep a seed range in cycles with the current champion.",
        subcommands: [Run.self])

    /// `optimize campaign run`: runs (or resumes) a campaign.
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "Sweep --seeds in cycles of --block seeds with champion --champion, into --out; the same command resumes.",
            discussion: """
                Each cycle sieves the next --block seeds with the champion current when it starts \
                (champions/NAME.json, re-read when the file changes; the baseline when there is none), \
                recorded in the cycle. Per cycle, once each and atomically: a canary (a small planted \
                history sieved on the same backend; a miss is appended to hard_bank.txt), the \
                candidates (survivors significant at --alpha over the cycle's seeds × skips) appended \
                to candidates.jsonl, cycles/NNNNNN.json, one line of history.jsonl, then \
                progress_report_NNNNNN.json and latest_progress.json. Killed at any instant, the same \
                command resumes to the same files (times aside). Ctrl-C stops after the current chunk.

                Environment: OPTIMIZE_CAMPAIGN_BLOCK overrides --block; OPTIMIZE_CAMPAIGN_PAUSE is the \
                pause between cycles in seconds (default 0). A bad value exits 60 naming the variable.
                """)

        @Option(help: "The champion's name: its file is DIR/NAME.json in --champions.")
        var champion: String

        @Option(help: "The champions' directory.")
        var champions: String = "champions"

        @OptionGroup var history: HistoryFileOptions

        @Option(parsing: .unconditional, help: ArgumentHelp("The seeds to sweep: start..<end (up to 2^64; java_lcg's 2^48 states: 0..<2^48).", valueName: "range"))
        var seeds: String

        @Option(parsing: .unconditional, help: ArgumentHelp("Seeds per cycle (OPTIMIZE_CAMPAIGN_BLOCK overrides it).", valueName: "N"))
        var block: String?

        @Option(help: "The campaign's directory: created; an existing campaign of the same command is resumed.")
        var out: String

        @Option(parsing: .unconditional, help: ArgumentHelp("Stop after K cycles in this invocation (the next run continues).", valueName: "K"))
        var cycles: String?

        @Option(parsing: .unconditional, help: "The family-wise error rate of a cycle's candidates.")
        var alpha: Double = CampaignFile.defaultAlpha

        @OptionGroup var backendOptions: BackendOptions

        @Option(parsing: .unconditional, help: ArgumentHelp("Seeds per journaled chunk of a cycle's sieve (new campaigns only).", visibility: .hidden))
        var chunkSize: String = String(SearchSettings.defaultChunkSize)

        @Option(parsing: .unconditional, help: ArgumentHelp("Seeds of each cycle's empirical chance calibration.", visibility: .hidden))
        var chanceSample: String = String(SieveSweep.defaultChanceSampleSize)

        @Option(parsing: .unconditional, help: ArgumentHelp("Seeds of each cycle's canary sieve.", visibility: .hidden))
        var canarySeeds: String = String(CampaignFile.defaultCanarySeeds)

        func run() throws {
            var interruptedStatus: Int32?
            try reportingErrors {
                let environment = try CampaignEnvironment()
                let stop = SignalStop()
                let cycleLimit = try cycles.map { text throws(InputError) in
                    try parseInteger(text, option: "--cycles", range: 1...Int.max, meaning: "a number of cycles")
                }
                let blockSize: UInt64
                if let override = environment.block {
                    blockSize = override
                } else if let block {
                    blockSize = try parseUnsignedInteger(block, option: "--block")
                } else {
                    throw InputError(.invalidOption, source: "--block", problem: "missing",
                                     fix: "give --block N (seeds per cycle), or set \(CampaignEnvironment.blockVariable)")
                }
                let loader = ChampionLoader(directory: FilePath(champions))
                // Loaded once before anything is written: a damaged champion file stops the campaign here.
                let first = try loader.load(champion)
                let family = try PRNGFamily.named(first.configuration.parameters.prng, source: "\(champions)/\(champion).json: prng")
                let range = try SeedRange.parse(seeds, family: family)
                let loaded = try history.load()
                let file = CampaignFile(
                    champion: champion, championsDirectory: URL(fileURLWithPath: champions).standardizedFileURL.path,
                    history: .init(file: history.draws, path: URL(fileURLWithPath: history.draws).standardizedFileURL.path,
                                   sha256: loaded.checksum, formatGiven: history.drawsFormat?.rawValue, newestFirst: history.newestFirst),
                    seeds: range, block: blockSize, alpha: alpha, chunkSize: try parseUnsignedInteger(chunkSize, option: "--chunk-size"),
                    chanceSampleSize: Int(clamping: try parseUnsignedInteger(chanceSample, option: "--chance-sample")),
                    canarySeeds: try parseUnsignedInteger(canarySeeds, option: "--canary-seeds"),
                    command: resumeCommand(block: blockSize))
                try file.validate()
                let selection = try backendOptions.select()
                let campaign = try Campaign.open(directory: out, file: file, history: loaded, backend: selection.backend)
                campaign.pause = environment.pause
                campaign.canaryPlacement = environment.canaryPlacement
                campaign.cancellation = stop.cancellation
                campaign.terminal = { StandardError.write($0) }
                if first.isBaseline { campaign.say("no champion '\(champion)' in \(champions): cycles run the baseline configuration until one is promoted") }
                let ending = try campaign.run(cycles: cycleLimit, champion: {
                    let current = loader.loadCached(champion)
                    if let failure = current.reloadFailure {
                        campaign.say("the champion could not be reloaded (\(failure)); keeping \(current.champion.source)")
                    } else if current.reloaded {
                        campaign.say("champion loaded: \(current.champion.source)")
                    }
                    return CycleChampion(current.champion)
                }, shouldStop: { stop.requested })
                let report = try campaign.report()
                switch ending {
                case .interrupted:
                    StandardError.write("interrupted after \(campaign.cycles.count) of \(campaign.cyclesTotal) cycles; run the same command to resume")
                    interruptedStatus = stop.exitStatus
                case .cyclesDone, .complete:
                    print(Self.text(report, directory: out))
                }
            }
            if let interruptedStatus { throw ExitCode(interruptedStatus) }
        }

        /// The campaign's totals, for the terminal.
        static func text(_ report: ProgressReport, directory: String) -> String {
            let recall = report.canaryRecall.map { String(format: "%.2f", $0) } ?? "none"
            let rate = report.seedsPerSecond.map { String(format: "%.3g seeds/s", $0) } ?? "untimed"
            return """
                campaign \(report.status) in \(directory): \(report.totalCycles) of \(report.cyclesTotal) cycles, \(report.totalSeeds) of \(report.seedsTotal) seeds (\(rate))
                survivors \(report.survivors) (chance \(String(format: "%.3g", report.expectedSurvivors))), candidates \(report.candidates), canary recall \(recall), hard negatives \(report.hardNegatives)
                """
        }

        /// The command that resumes this campaign, as `optimize status` prints it.
        func resumeCommand(block blockSize: UInt64) -> String {
            var words = ["optimize", "campaign", "run", "--champion", champion, "--champions", champions, "--draws", history.draws]
            if let format = history.drawsFormat { words += ["--draws-format", format.rawValue] }
            if history.newestFirst { words.append("--newest-first") }
            words += ["--seeds", seeds, "--block", String(blockSize), "--out", out]
            if alpha != CampaignFile.defaultAlpha { words += ["--alpha", String(alpha)] }
            if backendOptions.backend != .auto { words += ["--backend", backendOptions.backend.rawValue] }
            if chunkSize != String(SearchSettings.defaultChunkSize) { words += ["--chunk-size", chunkSize] }
            if chanceSample != String(SieveSweep.defaultChanceSampleSize) { words += ["--chance-sample", chanceSample] }
            if canarySeeds != String(CampaignFile.defaultCanarySeeds) { words += ["--canary-seeds", canarySeeds] }
            return words.map(Watcher.shellQuoted).joined(separator: " ")
        }
    }
}
