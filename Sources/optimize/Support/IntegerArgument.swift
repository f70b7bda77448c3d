import Foundation
import Sieve

/// Parses an integer option, or throws an ``InputError`` that names the option and the forms.
func parseUnsignedInteger(_ text: String, option: String, kind: InputError.Kind = .invalidOption) throws(InputError) -> UInt64 {
    guard let value = UnsignedIntegerText.parse(text) else {
        throw InputError(
            kind, source: option, problem: "'\(text)' is not an unsigned integer that fits 64 bits",
            fix: "write it in decimal (4294967296), hexadecimal (0x100000000) or as 2^32")
    }
    return value
}

/// Parses a signed integer option (a count of draws, matches or trials), or throws an
/// ``InputError`` (`invalidOption`) naming the option and the range a number must lie in.
func parseInteger(_ text: String, option: String, range: ClosedRange<Int> = Int.min...Int.max, meaning: String = "a whole number")
    throws(InputError) -> Int {
    let cleaned = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "_", with: "")
    guard let value = Int(cleaned), range.contains(value) else {
        throw InputError(
            .invalidOption, source: option,
            problem: Int(cleaned) == nil ? "'\(text)' is not \(meaning) that fits 64 bits" : "\(text) is outside \(range.lowerBound) ... \(range.upperBound)",
            fix: "give \(meaning) from \(range.lowerBound) to \(range.upperBound)")
    }
    return value
}

/// Parses `--modulus` and checks it is 2 ... 2^32: done before any file is read.
func parseModulus(_ text: String) throws(InputError) -> UInt64 {
    guard let value = UnsignedIntegerText.parse(text), (2...(UInt64(1) << 32)).contains(value) else {
        throw InputError(.invalidOption, source: "--modulus", problem: "'\(text)' is not a modulus from 2 to 2^32",
                         fix: "give a modulus from 2 to 4294967296 (draws are outputs mod M)")
    }
    return value
}

/// Parses `name=value` family parameters given as `--param name=value`.
func parseParameters(_ assignments: [String]) throws(InputError) -> [String: UInt64] {
    var values: [String: UInt64] = [:]
    for assignment in assignments {
        let parts = assignment.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty else {
            throw InputError(
                .invalidParameter, source: "--param \(assignment)", problem: "expected name=value",
                fix: "write each parameter as --param name=value, for example --param m=0")
        }
        let name = parts[0].trimmingCharacters(in: .whitespaces)
        guard values[name] == nil else {
            throw InputError(
                .invalidParameter, source: "--param \(name)", problem: "given twice",
                fix: "give each parameter once")
        }
        values[name] = try parseUnsignedInteger(parts[1], option: "--param \(name)", kind: .invalidParameter)
    }
    return values
}
