import Foundation
import Sieve
import _OptimizeSupport

/// The environment's overrides of a campaign's cycle size and pause (README "Campaigns"):
/// `OPTIMIZE_CAMPAIGN_BLOCK` (seeds per cycle, over `--block`) and `OPTIMIZE_CAMPAIGN_PAUSE`
/// (seconds between cycles, default 0). A value that is set but unusable is an error naming the
/// variable, never silently ignored.
public struct CampaignEnvironment: Sendable, Equatable {
    public static let blockVariable = "OPTIMIZE_CAMPAIGN_BLOCK"
    public static let pauseVariable = "OPTIMIZE_CAMPAIGN_PAUSE"
    /// A test hook: `beyond-range` plants every canary just past its range (a forced miss).
    public static let canaryVariable = "OPTIMIZE_CAMPAIGN_CANARY"

    public var block: UInt64?
    public var pause: Double
    public var canaryPlacement: Canary.Placement

    /// Reads the overrides from `environment`.
    ///
    /// - Throws: `invalidEnvironment` naming the variable, its value and what it takes.
    public init(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws(InputError) {
        block = nil
        pause = 0
        canaryPlacement = .inside
        if let text = environment[Self.blockVariable] {
            guard let value = UnsignedIntegerText.parse(text.trimmingCharacters(in: .whitespaces)), value >= 1 else {
                throw InputError(.invalidEnvironment, source: Self.blockVariable, problem: "'\(text)' is not a number of seeds",
                                 fix: "set it to a whole number of seeds per cycle, at least 1 (e.g. 1048576 or 2^20), or unset it")
            }
            block = value
        }
        if let text = environment[Self.pauseVariable] {
            guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite, value >= 0, value <= 86_400 else {
                throw InputError(.invalidEnvironment, source: Self.pauseVariable, problem: "'\(text)' is not a pause in seconds",
                                 fix: "set it to seconds between cycles, from 0 to 86400 (e.g. 2.5), or unset it")
            }
            pause = value
        }
        if let text = environment[Self.canaryVariable] {
            switch text {
            case "inside": canaryPlacement = .inside
            case "beyond-range": canaryPlacement = .beyondRange
            default:
                throw InputError(.invalidEnvironment, source: Self.canaryVariable, problem: "'\(text)' is not a canary placement",
                                 fix: "set it to inside or beyond-range (a test hook), or unset it")
            }
        }
    }
}
