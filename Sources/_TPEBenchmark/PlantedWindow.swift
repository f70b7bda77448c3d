import Foundation
import Study

/// A benchmark function shaped like the window search (docs/sampler.md §4.2): the window search's
/// parameters and ranges, a seed planted in one stretch of one session, and the search's
/// significance score for the planted seed.
///
/// A trial's forward window holds draws `offset ..< offset + window_size` of the chosen session's
/// draws, its reverse window the `window_size` draws before `offset`. Inside the stretch
/// `start ..< start + length` of `session` the planted seed matches a draw at rate `rate` (the
/// first `⌊rate · overlap⌋` draws of an overlap match; the rest are noise), elsewhere (other
/// sessions, `all`, outside the stretch) it matches none. It survives when each window's matches
/// reach its threshold (`⌈threshold · window_size⌉` matches) and `skip_min ≤ skip ≤ skip_max`; the
/// score is then the search's significance of one survivor against chance,
/// −log10 P(Poisson(λ) ≥ 1) with λ = 2^32 seeds × skips × P(Bin(w, 1/M) ≥ need_f) ×
/// P(Bin(w, 1/M) ≥ need_r), and 0 otherwise: a plateau of zero everywhere outside the basin.
/// A trial whose forward window runs past the session's last draw is infeasible (pruned), as the
/// window search prunes a window that does not fit.
struct PlantedWindow {
    let name: String
    /// Draws of each session choice: `all`, `midday`, `evening`.
    let sessionLengths: [String: Int]
    let session: String
    let start: Int
    let length: Int
    let rate: Double
    let skip: Int
    let modulus: Int

    static let choices = ["all", "midday", "evening"]

    /// The window search's space with its default bounds (`SearchBounds.defaults`), burn fixed.
    static let space: SearchSpace = {
        let threshold = Parameter.Domain.float(low: 0.15, high: 0.60, log: false, step: 0.01)
        do {
            return try SearchSpace([
                Parameter(name: "window_size", domain: .integer(low: 2, high: 50, log: false, step: 1)),
                Parameter(name: "offset", domain: .integer(low: 50, high: 150, log: false, step: 1)),
                Parameter(name: "skip_min", domain: .integer(low: 0, high: 10, log: false, step: 1)),
                Parameter(name: "skip_max", domain: .integer(low: 10, high: 250, log: false, step: 1)),
                Parameter(name: "forward_threshold", domain: threshold),
                Parameter(name: "reverse_threshold", domain: threshold),
                Parameter(name: "sessions", domain: .categorical(choices.map { .string($0) })),
            ])
        } catch {
            fatalError("the planted-window space is invalid: \(error)")
        }
    }()

    /// The score of a trial, or `nil` when it is infeasible.
    func score(window: Int, offset: Int, skipMin: Int, skipMax: Int, forwardHundredths: Int, reverseHundredths: Int,
               sessions: String) -> Double? {
        guard offset + window <= sessionLengths[sessions]! else { return nil }
        guard sessions == session, skipMin <= skip, skip <= skipMax else { return 0 }
        let needForward = Self.need(forwardHundredths, window)
        let needReverse = Self.need(reverseHundredths, window)
        guard matches(offset, offset + window) >= needForward, matches(offset - window, offset) >= needReverse else {
            return 0
        }
        let p = 1 / Double(modulus)
        let log10Lambda = 32 * log10(2.0) + log10(Double(skipMax - skipMin + 1))
            + Self.log10Tail(window, p, needForward) + Self.log10Tail(window, p, needReverse)
        return Self.significance(log10Lambda: log10Lambda)
    }

    /// The planted seed's matches among draws `low ..< high` of its session.
    func matches(_ low: Int, _ high: Int) -> Int {
        let overlap = max(0, min(high, start + length) - max(low, start))
        return Int((rate * Double(overlap)).rounded(.down))
    }

    /// Matches a threshold of `hundredths`/100 asks of a window of `window` draws: ⌈t·w⌉.
    static func need(_ hundredths: Int, _ window: Int) -> Int {
        (hundredths * window + 99) / 100
    }

    /// log10 P(Bin(n, p) ≥ k), summed in log space.
    static func log10Tail(_ n: Int, _ p: Double, _ k: Int) -> Double {
        if k <= 0 { return 0 }
        if k > n { return -.infinity }
        var terms: [Double] = []
        var logChoose = 0.0
        for i in 0...n {
            if i > 0 { logChoose += log(Double(n - i + 1)) - log(Double(i)) }
            if i >= k { terms.append(logChoose + Double(i) * log(p) + Double(n - i) * log1p(-p)) }
        }
        let top = terms.max()!
        return (top + log(terms.reduce(0) { $0 + exp($1 - top) })) / log(10)
    }

    /// −log10 P(Poisson(λ) ≥ 1) = −log10(1 − e^−λ), for λ given by its log10.
    static func significance(log10Lambda: Double) -> Double {
        let lambda = pow(10, log10Lambda)
        // For a tiny λ, 1 − e^−λ ≈ λ to double precision: use the log directly.
        return lambda < 1e-12 ? -log10Lambda : -log10(-expm1(-lambda))
    }

    /// The best score over the whole space: for each session, window and offset, the highest
    /// thresholds the planted seed still meets and the narrowest skip range that holds its skip.
    var optimum: Double {
        var best = 0.0
        let skipMin = min(skip, 10), skipMax = max(skip, 10)
        for window in 2...50 {
            for offset in 50...150 {
                let forward = matches(offset, offset + window), reverse = matches(offset - window, offset)
                // The highest grid threshold t (hundredths) with ⌈t·w⌉ ≤ matches, if 15 qualifies.
                func highest(_ matched: Int) -> Int? {
                    (15...60).last { Self.need($0, window) <= matched }
                }
                guard let f = highest(forward), let r = highest(reverse),
                      let value = score(window: window, offset: offset, skipMin: skipMin, skipMax: skipMax,
                                        forwardHundredths: f, reverseHundredths: r, sessions: session)
                else { continue }
                best = max(best, value)
            }
        }
        return best
    }

    /// The benchmark function: minimises −score, so that regret is optimum − best score.
    var function: BenchmarkFunction {
        let optimum = optimum
        return BenchmarkFunction(name: name, space: Self.space, optimum: -optimum, start: 0) { parameters in
            func integer(_ name: String) -> Int {
                guard case .integer(let value)? = parameters[name] else { fatalError("\(name) is not an integer") }
                return value
            }
            func hundredths(_ name: String) -> Int {
                guard case .float(let value)? = parameters[name] else { fatalError("\(name) is not a float") }
                return Int((value * 100).rounded())
            }
            guard case .categorical(.string(let sessions))? = parameters["sessions"] else { fatalError("sessions") }
            return score(window: integer("window_size"), offset: integer("offset"), skipMin: integer("skip_min"),
                         skipMax: integer("skip_max"), forwardHundredths: hundredths("forward_threshold"),
                         reverseHundredths: hundredths("reverse_threshold"), sessions: sessions).map { -$0 }
        }
    }
}

/// The planted-window functions. `window-a` … `window-e` were used to tune the sampler;
/// `window-f`, `window-g` and `window-h` are held out (docs/sampler.md §4.2).
let plantedWindows: [PlantedWindow] = [
    PlantedWindow(name: "window-a", sessionLengths: ["all": 360, "midday": 190, "evening": 170],
                  session: "midday", start: 95, length: 60, rate: 0.9, skip: 4, modulus: 1000),
    PlantedWindow(name: "window-b", sessionLengths: ["all": 360, "midday": 190, "evening": 170],
                  session: "evening", start: 60, length: 45, rate: 0.85, skip: 17, modulus: 1000),
    PlantedWindow(name: "window-c", sessionLengths: ["all": 400, "midday": 185, "evening": 200],
                  session: "midday", start: 100, length: 80, rate: 0.9, skip: 3, modulus: 10),
    PlantedWindow(name: "window-d", sessionLengths: ["all": 340, "midday": 160, "evening": 180],
                  session: "evening", start: 80, length: 80, rate: 0.95, skip: 120, modulus: 100),
    PlantedWindow(name: "window-e", sessionLengths: ["all": 380, "midday": 200, "evening": 180],
                  session: "all", start: 110, length: 50, rate: 0.7, skip: 9, modulus: 1000),
    PlantedWindow(name: "window-f", sessionLengths: ["all": 350, "midday": 175, "evening": 175],
                  session: "evening", start: 120, length: 50, rate: 0.85, skip: 60, modulus: 1000),
    PlantedWindow(name: "window-g", sessionLengths: ["all": 420, "midday": 210, "evening": 210],
                  session: "midday", start: 55, length: 70, rate: 0.8, skip: 2, modulus: 100),
    PlantedWindow(name: "window-h", sessionLengths: ["all": 300, "midday": 150, "evening": 150],
                  session: "all", start: 135, length: 50, rate: 0.9, skip: 30, modulus: 1000),
]
