import ArgumentParser
import WindowSearch

/// `--champions DIR`: the directory of champion files (shared by `optimize champion …` and
/// `optimize sieve --champion`).
struct ChampionDirectoryOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The champions' directory: NAME.json and its backup NAME.json.bak.", valueName: "dir"))
    var champions: String = "champions"

    var loader: ChampionLoader { ChampionLoader(directory: FilePath(champions)) }
    var store: ChampionStore { ChampionStore(directory: FilePath(champions)) }
}

/// `--name NAME`: which champion (`default` unless given).
struct ChampionNameOptions: ParsableArguments {
    @Option(help: "The champion's name: the file DIR/NAME.json.")
    var name: String = "default"
}
