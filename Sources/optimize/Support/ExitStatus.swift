import ArgumentParser
import Foundation
import Sieve
import SieveMetal
import Campaign
import OptimizeMetrics
import StudyDatabase

/// The exit status of each kind of failure: scripts tell them apart without parsing messages.
enum ExitStatus {
    /// Every kind of failure, its status and its name in `--help`: one table.
    static let table: [(kind: InputError.Kind, code: Int32, name: String)] = [
        (.unknownFamily, 10, "unknown PRNG family"), (.invalidParameter, 11, "bad family parameter"),
        (.invalidSeed, 12, "bad seed or seed range"), (.invalidOption, 13, "bad option value"),
        (.invalidSkipRange, 14, "bad skip range"), (.invalidThreshold, 15, "bad threshold"),
        (.emptySeedRange, 16, "empty seed range"), (.seedRangeBeyondWidth, 17, "seed range beyond the family's width"),
        (.unreadableFile, 20, "unreadable input file"), (.unwritableFile, 21, "unwritable output file"),
        (.malformedHistory, 22, "malformed history file"), (.missingDraw, 23, "entry without a draw"),
        (.drawOutOfRange, 24, "draw not below the modulus"), (.invalidDraw, 25, "negative or non-integer draw"),
        (.unknownSession, 26, "unknown session"), (.emptyHistory, 27, "empty history"),
        (.windowDoesNotFit, 28, "window does not fit the history"),
        (.invalidSpace, 30, "bad search space"), (.invalidStudy, 31, "not a readable study"),
        (.studyExists, 32, "study already exists"), (.unknownTrial, 33, "unknown trial"),
        (.finishedTrial, 34, "trial already finished"),
        (.outputDirectoryMismatch, 40, "output directory holds another run"),
        (.damagedOutputDirectory, 41, "damaged output directory"),
        (.diskFull, 42, "disk full (nothing damaged: run again once there is room)"),
        (.needsMigration, 43, "files of an older version (run `optimize migrate`)"),
        (.invalidSearchBounds, 50, "bad search bounds"), (.invalidRun, 51, "not a readable search run"),
        (.runExists, 52, "search run already exists"), (.runBusy, 53, "directory in use by another process (a search, sieve, merge, study new or migrate)"),
        (.invalidRules, 54, "bad watcher rules file"),
        (.invalidChampion, 55, "bad champion file"), (.unpromotableTrial, 56, "trial cannot be promoted (pruned, failed, or none complete)"),
        (.noChampionBackup, 57, "no champion backup to roll back to"),
        (.invalidEnvironment, 60, "bad environment variable (OPTIMIZE_CAMPAIGN_BLOCK, OPTIMIZE_CAMPAIGN_PAUSE)"),
        (.unknownAgent, 61, "unknown metrics agent"),
        (.invalidRetention, 62, "bad retention (--days, OPTIMIZE_METRICS_RETENTION_DAYS)"),
        (.ambiguousShardEnvironment, 63, "--shard auto: both a Slurm array's and a Kubernetes Indexed Job's variables are set"),
        (.missingShardEnvironment, 65, "--shard auto: no scheduler's shard index, or no count with it (SLURM_ARRAY_TASK_COUNT, --shard-count)"),
        (.invalidShardEnvironment, 66, "--shard auto: a scheduler's variable is not a number, out of range or inconsistent"),
        (.invalidStorageURL, 67, "bad --storage URL (or OPTIMIZE_STORAGE)"),
        (.databaseAuthentication, 68, "the database refused the user or password"),
        (.databaseUnreachable, 69, "no database server at the URL, or it went away for longer than the retry time"),
        (.databaseRefused, 71, "the database refused the request (no such database, no permission, another schema)"),
        (.unknownStudy, 35, "no study or search of that name in the database"),
        (.leaseLost, 36, "the trial was handed to another worker after this one's lease ran out"),
        (.kernelFailure, 70, "internal error"), (.gpuFailure, 70, "GPU failure"),
    ]

    private static let codes = Dictionary(uniqueKeysWithValues: table.map { ($0.kind, $0.code) })


    /// The status of `kind`; a kind without one is a bug (every module's kinds are in the table).
    static func code(for kind: InputError.Kind) -> Int32 {
        codes[kind] ?? internalError
    }

    /// An internal failure: a bug, not bad input.
    static let internalError: Int32 = 70

    /// Every status once, in order, with all of its meanings: `--help`'s list, which scripts read.
    static var summary: String {
        let named = [(selfTestFailed, "selftest: a check failed")] + table.map { ($0.code, $0.name) }
            + [(usage, "command-line usage"), (internalError, "internal error")]
        var names: [Int32: [String]] = [:]
        for (code, name) in named where !(names[code]?.contains(name) ?? false) { names[code, default: []].append(name) }
        return names.keys.sorted().map { "\($0) \(names[$0]!.joined(separator: " or "))" }.joined(separator: "; ")
    }

    /// A command line ArgumentParser cannot parse.
    static let usage: Int32 = 64

    /// `optimize selftest` ran and a check failed: the machine's verdict, not an error in the input.
    static let selfTestFailed: Int32 = 5
}

/// Runs a command body, turning input errors into one line on standard error and their exit status.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as any DiagnosedError {
        let label = switch error.kind {
        case .kernelFailure: "internal error"
        case .gpuFailure: "GPU error"
        default: "error"
        }
        StandardError.write("\(label): \(error)")
        throw ExitCode(ExitStatus.code(for: error.kind))
    }
}

/// Runs a command's cross-option checks in its `validate()`, so that an ``InputError`` leaves with
/// its own status, not ArgumentParser's.
///
/// ArgumentParser exits 64 on a `ValidationError` thrown from `validate()`, and 1 (printing
/// "Error: " and the error's description) on any other error except an `ExitCode`, with which it
/// exits silently. So the error's line is kept in ``ValidationFailure`` and an `ExitCode` of its
/// status is thrown; ``Optimize/main()`` writes the line, unless `--help` was asked for (ArgumentParser
/// looks for it only after `validate()` failed, and then shows the help instead).
func validating(_ checks: () throws(InputError) -> Void) throws {
    do {
        try checks()
    } catch {
        ValidationFailure.line = "error: \(error)"
        throw ExitCode(ExitStatus.code(for: error.kind))
    }
}

/// The line of the ``InputError`` a `validate()` check threw, for ``Optimize/main()`` to write.
enum ValidationFailure {
    // Written and read on the main thread only, while the command line is parsed.
    nonisolated(unsafe) static var line: String?
}

enum StandardError {
    static func write(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
