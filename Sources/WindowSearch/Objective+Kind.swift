import Foundation
import Sieve

extension Objective {
    /// The objectives by name, as `--objective` and run.json name them.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case significance, count, band
    }

    public var kind: Kind {
        switch self {
        case .significance: .significance
        case .count: .count
        case .band: .band
        }
    }

    /// The objective of `kind`; the band objective reads its band from `band`, written `low...high`.
    ///
    /// - Parameter source: what `band` came from, for errors (`--band`).
    /// - Throws: ``InputError`` (`invalidOption`) when the band objective has no band or a
    ///   malformed one.
    public init(kind: Kind, band: String?, source: String = "--band") throws(InputError) {
        switch kind {
        case .significance: self = .significance
        case .count: self = .count
        case .band:
            guard let band else {
                throw InputError(.invalidOption, source: source, problem: "missing for the band objective",
                                 fix: "give \(source) low...high, such as 1...10")
            }
            let parts = band.components(separatedBy: "...").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.count == 2, let low = parts[0], let high = parts[1] else {
                throw InputError(.invalidOption, source: source, problem: "'\(band)' is not a band low...high",
                                 fix: "give \(source) low...high, such as 1...10")
            }
            self = .band(low: low, high: high)
        }
    }
}
