import ArgumentParser
import Sieve

/// `--prng` and `--param name=value`: the PRNG family and its parameters (shared by the commands
/// that generate, sieve or search).
struct FamilyOptions: ParsableArguments {
    @Option(help: "The PRNG family (see `optimize prngs`).")
    var prng: String

    @Option(name: .customLong("param"), help: ArgumentHelp("A family parameter, as name=value; repeatable.", valueName: "name=value"))
    var parameters: [String] = []

    /// The family --prng names.
    func family() throws(InputError) -> PRNGFamily {
        try PRNGFamily.named(prng)
    }

    /// The --param assignments, checked for form only (``configuration()`` checks them against the family).
    func parameterValues() throws(InputError) -> [String: UInt64] {
        try parseParameters(parameters)
    }

    /// The family with its parameters, checked.
    func configuration() throws(InputError) -> PRNGConfiguration {
        try PRNGConfiguration(family: try family(), parameters: try parameterValues())
    }
}

/// `--prng` and `--param` where a champion may give the family instead (`optimize sieve
/// --champion`): `--prng` is required without a champion, refused with one.
struct OptionalFamilyOptions: ParsableArguments {
    @Option(help: "The PRNG family (see `optimize prngs`); not with --champion, which names it.")
    var prng: String?

    @Option(name: .customLong("param"), help: ArgumentHelp("A family parameter, as name=value; repeatable.", valueName: "name=value"))
    var parameters: [String] = []

    /// The family with its parameters, checked (``FamilyOptions/configuration()``); `--prng` must be given.
    func configuration() throws(InputError) -> PRNGConfiguration {
        guard let prng else {
            throw InputError(.invalidOption, source: "--prng", problem: "not given", fix: "name the PRNG family (see `optimize prngs`), or give --champion")
        }
        return try PRNGConfiguration(family: try PRNGFamily.named(prng), parameters: try parseParameters(parameters))
    }
}
