import Sieve

/// The 0.1.0 fixture history (Tests/Fixtures/0.1.0/history.json), which the targets that need a
/// history (search bounds and their defaults) use.
public let fixtureHistory: DrawHistory = {
    do { return try DrawHistory.load(path: repositoryFile("Tests/Fixtures/0.1.0/history.json")) } catch {
        fuzzFailure("cannot load the fixture history: \(error)")
    }
}()
