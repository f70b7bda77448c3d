import ArgumentParser
import Foundation
import Sieve

/// `optimize merge`: the shards of a sweep, joined into the unsharded sweep's directory.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the directories of a sweep's shards (--shard i/n) into the unsharded sweep's.",
        discussion: "The merged survivor file and summary are byte for byte those of the sweep run unsharded.")

    @Argument(help: "Every shard's directory, in any order.")
    var shards: [String]

    @Option(help: "The merged sweep's directory (must not exist).")
    var out: String

    func run() throws {
        try reportingErrors {
            let summary = try SweepMerge.merge(shards: shards, into: out)
            print("merged \(shards.count) shards into \(out): \(summary.seeds) seeds, \(summary.forward) forward"
                + (summary.bidirectional.map { ", \($0) bidirectional" } ?? "") + " survivors")
        }
    }
}
