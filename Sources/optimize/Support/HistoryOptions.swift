import ArgumentParser
import Sieve

/// `--draws`, `--draws-format` and `--newest-first`: a draw history file and how to read it (shared
/// by the commands that read one; ``HistoryOptions`` adds `--sessions`).
struct HistoryFileOptions: ParsableArguments {
    @Option(help: "The draw history: the reference's JSON, CSV with a header row, or one draw per line.")
    var draws: String

    @Option(help: ArgumentHelp("The history's format; by default from its extension.", valueName: "format"))
    var drawsFormat: DrawHistory.Format?

    @Flag(help: "The file lists the newest draw first (for files without dates).")
    var newestFirst = false

    /// Loads the history, keeping only `sessions` when given.
    func load(sessions: [String]? = nil) throws(InputError) -> DrawHistory {
        try DrawHistory.load(path: draws, format: drawsFormat, sessions: sessions, newestFirst: newestFirst)
    }
}

/// The options that name a draw history, how to read it and which sessions to keep (shared by the
/// commands that sieve).
struct HistoryOptions: ParsableArguments {
    @OptionGroup var file: HistoryFileOptions

    @Option(help: ArgumentHelp("Keep only these sessions, comma-separated (e.g. midday).", valueName: "names"))
    var sessions: String?

    func load() throws(InputError) -> DrawHistory {
        let kept = sessions.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
        if let kept, kept.isEmpty {
            throw InputError(.invalidOption, source: "--sessions", problem: "names no session",
                             fix: "give session names separated by commas, such as midday,evening")
        }
        return try file.load(sessions: kept)
    }
}

/// Parses a skip range: `a...b`, `a..b` or a single skip `a` (``SkipRangeText``).
func parseSkipRange(_ text: String) throws(InputError) -> ClosedRange<UInt32> {
    try SkipRangeText.parse(text)
}
