import ArgumentParser
import Foundation
import Sieve
import SieveMetal

/// The exit status of each kind of failure: scripts tell them apart without parsing messages.
enum ExitStatus {
    static func code(for kind: InputError.Kind) -> Int32 {
        switch kind {
        case .unknownFamily: 10
        case .invalidParameter: 11
        case .invalidSeed: 12
        case .invalidOption: 13
        case .invalidSkipRange: 14
        case .invalidThreshold: 15
        case .emptySeedRange: 16
        case .seedRangeBeyondWidth: 17
        case .unreadableFile: 20
        case .unwritableFile: 21
        case .malformedHistory: 22
        case .missingDraw: 23
        case .drawOutOfRange: 24
        case .invalidDraw: 25
        case .unknownSession: 26
        case .emptyHistory: 27
        case .windowDoesNotFit: 28
        case .outputDirectoryMismatch: 40
        case .damagedOutputDirectory: 41
        case .invalidSpace: 30
        case .invalidStudy: 31
        case .studyExists: 32
        case .unknownTrial: 33
        case .finishedTrial: 34
        case .invalidSearchBounds: 50
        case .invalidRun: 51
        case .runExists: 52
        case .runBusy: 53
        }
    }

    /// An internal failure: a bug, not bad input.
    static let internalError: Int32 = 70

    static var summary: String {
        let names: [(InputError.Kind, String)] = [
            (.unknownFamily, "unknown PRNG family"), (.invalidParameter, "bad family parameter"),
            (.invalidSeed, "bad seed or seed range"), (.invalidOption, "bad option value"),
            (.invalidSkipRange, "bad skip range"), (.invalidThreshold, "bad threshold"),
            (.emptySeedRange, "empty seed range"), (.seedRangeBeyondWidth, "seed range beyond the family's width"),
            (.unreadableFile, "unreadable input file"), (.unwritableFile, "unwritable output file"),
            (.malformedHistory, "malformed history file"), (.missingDraw, "entry without a draw"),
            (.drawOutOfRange, "draw not below the modulus"), (.invalidDraw, "negative or non-integer draw"),
            (.unknownSession, "unknown session"), (.emptyHistory, "empty history"),
            (.windowDoesNotFit, "window does not fit the history"),
            (.outputDirectoryMismatch, "output directory holds another run"),
            (.damagedOutputDirectory, "damaged output directory"),
            (.invalidSpace, "bad search space"), (.invalidStudy, "not a readable study"),
            (.studyExists, "study already exists"), (.unknownTrial, "unknown trial"),
            (.finishedTrial, "trial already finished"),
            (.invalidSearchBounds, "bad search bounds"), (.invalidRun, "not a readable search run"),
            (.runExists, "search run already exists"), (.runBusy, "search run in use by another process"),
        ]
        return names.map { "\(code(for: $0.0)) \($0.1)" }.joined(separator: "; ")
    }
}

/// Runs a command body, turning input errors into one line on standard error and their exit status.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as InputError {
        StandardError.write("error: \(error)")
        throw ExitCode(ExitStatus.code(for: error.kind))
    } catch let error as KernelError {
        StandardError.write("internal error: \(error)")
        throw ExitCode(ExitStatus.internalError)
    } catch let error as MetalBackendError {
        StandardError.write("GPU error: \(error)")
        throw ExitCode(ExitStatus.internalError)
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
