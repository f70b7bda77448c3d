import ArgumentParser
import Foundation
import WindowSearch

/// `optimize champion`: promotes a search run's trial to the champion configuration programs run
/// with (`champions/NAME.json`), rolls it back, and shows it.
struct ChampionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "champion",
        abstract: "Promote a search's trial to a champion configuration, roll it back, or show it.",
        discussion: """
            A champion is a window configuration (window, offset, skips, thresholds, burn, sessions, \
            family, modulus) in DIR/NAME.json, with the run and trial it came from, their history, \
            seeds and significance, and a content hash. Programs load it (`optimize sieve \
            --champion NAME`, the WindowSearch library's ChampionLoader); with no file of that name \
            they run with the baseline, the reference system's default sieve job, and say so.
            """,
        subcommands: [Promote.self, Rollback.self, Show.self])

    /// `optimize champion promote RUN [--trial N] [--name NAME] [--champions DIR] [--json]`
    struct Promote: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a run's trial (by default its best) as champion NAME; the previous one is kept as NAME.json.bak.")

        @Argument(help: ArgumentHelp("The search run's directory (the --out of `optimize search`).", valueName: "run"))
        var runDirectory: String

        @Option(help: "The trial to promote (default: the run's best complete trial).")
        var trial: String?

        @OptionGroup var name: ChampionNameOptions

        @OptionGroup var directory: ChampionDirectoryOptions

        @Flag(help: "Print one JSON object: the champion file written and the one it replaced.")
        var json = false

        func run() throws {
            try reportingErrors {
                let number = try trial.map { text throws(InputError) in
                    try parseInteger(text, option: "--trial", range: 0...Int.max, meaning: "a trial number")
                }
                let champion = try Champion.promoting(run: runDirectory, trial: number, name: name.name)
                let promotion = try directory.store.promote(champion)
                ChampionText.warn(recovered: promotion.recovered, backup: try directory.store.backupPath(name.name))
                if let problem = promotion.replacedProblem {
                    StandardError.write("warning: the replaced champion was not loadable (\(problem)); it is kept as \(try directory.store.backupPath(name.name).string)")
                }
                let source = ChampionSource.file(path: promotion.path.string, name: champion.name, contentHash: champion.contentHash)
                let backup = promotion.replaced != nil || promotion.replacedProblem != nil ? try directory.store.backupPath(name.name).string : nil
                if json {
                    print(JSONValue.object([
                        ("promoted", source.json), ("record", champion.json),
                        ("replaced", promotion.replaced?.json ?? .null), ("backup", backup.map(JSONValue.string) ?? .null),
                    ]).prettyText)
                    return
                }
                var lines = ["promoted trial \(champion.origin.trial) of \(runDirectory) as champion '\(champion.name)': \(source)"]
                lines += ChampionText.describe(configuration: champion.configuration, origin: champion.origin)
                if let replaced = promotion.replaced {
                    lines.append("  replaced: \(replaced), kept as \(backup ?? "")")
                } else if promotion.replacedProblem != nil {
                    lines.append("  replaced: an unloadable file, kept as \(backup ?? "")")
                } else {
                    lines.append("  replaced: nothing (the first champion '\(champion.name)' in \(directory.champions))")
                }
                print(lines.joined(separator: "\n"))
            }
        }
    }

    /// `optimize champion rollback [--name NAME] [--champions DIR] [--json]`
    struct Rollback: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Restore NAME.json.bak as champion NAME; the champion it replaces becomes the backup (a second rollback undoes the first).")

        @OptionGroup var name: ChampionNameOptions

        @OptionGroup var directory: ChampionDirectoryOptions

        @Flag(help: "Print one JSON object: the champion restored and the one it displaced.")
        var json = false

        func run() throws {
            try reportingErrors {
                let rollback = try directory.store.rollback(name.name)
                ChampionText.warn(recovered: rollback.recovered, backup: try directory.store.backupPath(name.name))
                let restored = ChampionSource.file(path: rollback.path.string, name: rollback.restored.name,
                                                   contentHash: rollback.restored.contentHash)
                let backup = try directory.store.backupPath(name.name).string
                if json {
                    print(JSONValue.object([
                        ("restored", restored.json), ("record", rollback.restored.json),
                        ("displaced", rollback.displaced?.json ?? .null), ("backup", rollback.displaced == nil ? .null : .string(backup)),
                    ]).prettyText)
                    return
                }
                var lines = ["rolled back champion '\(name.name)': \(restored), trial \(rollback.restored.origin.trial) of \(rollback.restored.origin.run)"]
                lines += ChampionText.describe(configuration: rollback.restored.configuration, origin: rollback.restored.origin)
                if let displaced = rollback.displaced {
                    lines.append("  displaced: SHA-256 \(displaced.contentHash?.prefix(12) ?? "")…, kept as \(backup) (a second rollback restores it)")
                }
                print(lines.joined(separator: "\n"))
            }
        }
    }

    /// `optimize champion show [--name NAME] [--champions DIR] [--json]`
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what programs load as champion NAME: its file, or the baseline when there is none.")

        @OptionGroup var name: ChampionNameOptions

        @OptionGroup var directory: ChampionDirectoryOptions

        @Flag(help: "Print one JSON object: champion (source, name, content_hash), configuration, and the record (null for the baseline).")
        var json = false

        func run() throws {
            try reportingErrors {
                let loaded = try directory.loader.load(name.name)
                let parked = try directory.store.parkedFiles(name.name)
                if json {
                    print(JSONValue.object([
                        ("champion", loaded.source.json), ("baseline", .bool(loaded.isBaseline)),
                        ("configuration", loaded.configuration.json), ("record", loaded.champion?.json ?? .null),
                        ("interrupted_rollback", .array(parked.map { .string($0.string) })),
                    ]).prettyText)
                    return
                }
                var lines: [String]
                if let champion = loaded.champion {
                    lines = ["champion '\(name.name)': \(loaded.source), promoted \(champion.promotedAt)"]
                    lines += ChampionText.describe(configuration: champion.configuration, origin: champion.origin)
                } else {
                    lines = ["champion '\(name.name)': baseline (there is no \(try directory.loader.path(name.name).string))"]
                    lines += ChampionText.describe(configuration: loaded.configuration, origin: nil)
                }
                for path in parked {
                    let backup = try directory.store.backupPath(name.name)
                    let fate = FileIO.isRegularFile(backup) || FileIO.isSymbolicLink(backup)
                        ? "\(backup.string) exists, so it is stale: the next promote or rollback of '\(name.name)' removes it"
                        : "there is no \(backup.string): the next promote or rollback of '\(name.name)' makes it the backup"
                    lines.append("  interrupted rollback: \(path.string) was left by a rollback killed between its renames; \(fate)")
                }
                print(lines.joined(separator: "\n"))
            }
        }
    }
}

/// The lines `optimize champion` prints about a configuration and its origin.
enum ChampionText {
    /// Says on standard error what a promotion or rollback did first with an interrupted rollback's files.
    static func warn(recovered: ChampionStore.Recovery?, backup: FilePath) {
        guard let recovered else { return }
        if let parked = recovered.backup {
            StandardError.write("warning: \(parked.string) was left by a rollback killed between its renames; it is now \(backup.string), completing that rollback")
        }
        for path in recovered.removed {
            StandardError.write("warning: removed \(path.string), a stale copy left by an interrupted rollback (\(backup.string) is the backup)")
        }
    }

    static func describe(configuration: Champion.Configuration, origin: Champion.Origin?) -> [String] {
        var lines = ["  configuration: \(configuration.summary)"]
        guard let origin else {
            lines.append("  origin: the reference system's default sieve job (docs/operations.md §3)")
            return lines
        }
        lines.append("  from: trial \(origin.trial) of \(origin.run) (family \(origin.family), seeds \(origin.seeds), history \(origin.history), SHA-256 \(origin.historySHA256.prefix(12))…)")
        if let s = origin.significance {
            let p = s.log10PValue.map { String(format: "log10 p %.3g", $0) } ?? "p = 0"
            lines.append(String(format: "  significance: %d observed, %.3g expected by chance, ", s.observed, s.expected) + p
                + "; \(s.claims ? "claims significance" : "does not claim significance")" + String(format: " (level %.3g)", s.level))
        }
        lines.append("  tool: optimize \(origin.toolVersion ?? "unknown"), commit \(origin.gitCommit ?? "unknown")")
        return lines
    }
}
