import Foundation
import Sieve

/// The runtime settings a soak runs with and tunes: threads, the seeds per journaled chunk, the
/// CPU's lane width (its instruction set) and the GPU's dispatch target.
///
/// Read from JSON (`--overrides '{"threads": 2}'`, a file, or the repository's
/// `default_overrides.json` when none is given): every key is one of ``Key``, every value a number
/// (the lane width: an instruction set's name). An unknown key or a value out of range is an
/// error naming it, never ignored.
public struct SoakOverrides: Sendable, Equatable, Codable {
    /// The keys, as the JSON names them.
    public enum Key: String, CaseIterable, Sendable {
        case threads, chunkSize = "chunk_size", laneWidth = "lane_width", dispatchTargetMs = "dispatch_target_ms"
    }

    /// CPU threads (nil: every core).
    public var threads: Int?
    /// Seeds per journaled chunk of the trial workloads and the canary search (nil: the search's default, 2^18).
    public var chunkSize: UInt64?
    /// The CPU's vector instruction set by name (`CPUSieveBackend.InstructionSet.supported`; nil: the widest).
    public var laneWidth: String?
    /// GPU milliseconds per dispatch to aim for (nil: 75, the middle of 50–100 ms).
    public var dispatchTargetMs: Double?

    public init(threads: Int? = nil, chunkSize: UInt64? = nil, laneWidth: String? = nil, dispatchTargetMs: Double? = nil) {
        self.threads = threads
        self.chunkSize = chunkSize
        self.laneWidth = laneWidth
        self.dispatchTargetMs = dispatchTargetMs
    }

    /// Whether no setting is overridden.
    public var isEmpty: Bool { self == SoakOverrides() }

    /// The name of the repository's default overrides file, seeded when none are given.
    public static let defaultsFileName = "default_overrides.json"

    /// The overrides in `json`, checked.
    ///
    /// - Parameter source: the file or option they came from, for messages.
    public init(json: JSONValue, source: String) throws(InputError) {
        guard case .object(let members) = json else {
            throw InputError(.invalidOption, source: source, problem: "is not a JSON object",
                             fix: #"give an object such as {"threads": 2, "chunk_size": 1048576}"#)
        }
        self.init()
        for (key, value) in members {
            guard let known = Key(rawValue: key) else {
                throw InputError(.invalidOption, source: "\(source): \(key)", problem: "is not a runtime override",
                                 fix: "use \(Key.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if value == .null { continue }
            func integer(_ range: ClosedRange<Double>) throws(InputError) -> Double {
                guard let number = value.number, number == number.rounded(), range.contains(number) else {
                    throw InputError(.invalidOption, source: "\(source): \(key)", problem: "\(value.text) is not a whole number in \(Int(range.lowerBound))...\(Int(range.upperBound))",
                                     fix: "give a whole number in that range, or null for the default")
                }
                return number
            }
            switch known {
            case .threads: threads = Int(try integer(1...1024))
            case .chunkSize: chunkSize = UInt64(try integer(1...Double(1 << 32)))
            case .laneWidth:
                let names = CPUSieveBackend.InstructionSet.supported.map(\.name)
                guard let name = value.string, names.contains(name) else {
                    throw InputError(.invalidOption, source: "\(source): \(key)", problem: "\(value.text) is not an instruction set this CPU runs",
                                     fix: "give one of \(names.joined(separator: ", ")), or null for the widest")
                }
                laneWidth = name
            case .dispatchTargetMs:
                guard let number = value.number, (1...10_000).contains(number) else {
                    throw InputError(.invalidOption, source: "\(source): \(key)", problem: "\(value.text) is not a number of milliseconds in 1...10000",
                                     fix: "give the GPU time per dispatch to aim for, e.g. 75")
                }
                dispatchTargetMs = number
            }
        }
    }

    /// Reads `--overrides VALUE`: a JSON object, or a file holding one; an empty value (the CI
    /// workflow's default) reads `defaults`, the repository's `default_overrides.json`.
    ///
    /// - Returns: the overrides, and where they came from (for the `| seed | overrides | … |` line).
    public static func read(_ value: String?, defaults: FilePath) throws(InputError) -> (overrides: SoakOverrides, source: String, seeded: Bool) {
        let text = value?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if text.isEmpty {
            guard let bytes = try FileIO.contents(of: defaults) else {
                throw InputError(.unreadableFile, source: defaults.string, problem: "does not exist, and no --overrides were given",
                                 fix: "run from the repository's root (which holds \(defaultsFileName)), or give --overrides '{}'")
            }
            return (try SoakOverrides(json: try parse(bytes, source: defaults.string), source: defaults.string), defaultsFileName, true)
        }
        if text.hasPrefix("{") {
            return (try SoakOverrides(json: try parse(Array(text.utf8), source: "--overrides"), source: "--overrides"), "--overrides", false)
        }
        guard let bytes = try FileIO.contents(of: FilePath(text)) else {
            throw InputError(.unreadableFile, source: text, problem: "does not exist",
                             fix: "give --overrides a JSON object or the path of a file holding one")
        }
        let overrides = try SoakOverrides(json: try parse(bytes, source: text), source: text)
        if overrides.isEmpty {
            // An empty file is "no overrides given": seeded like an empty value.
            return try read(nil, defaults: defaults)
        }
        return (overrides, text, false)
    }

    static func parse(_ bytes: [UInt8], source: String) throws(InputError) -> JSONValue {
        do { return try JSONReader.parse(bytes) } catch {
            throw InputError(.invalidOption, source: source, problem: "is not valid JSON: \(error)", fix: #"give a JSON object such as {"threads": 2}"#)
        }
    }

    /// These overrides with `deltas` added (``SoakDelta``), kept in range.
    public func applying(_ deltas: [SoakDelta]) -> SoakOverrides {
        var next = self
        for delta in deltas {
            switch delta.key {
            case .threads: next.threads = max(1, (next.threads ?? delta.base) + Int(delta.change))
            case .chunkSize: next.chunkSize = UInt64(max(1, Double(next.chunkSize ?? UInt64(delta.base)) + delta.change))
            case .dispatchTargetMs: next.dispatchTargetMs = min(10_000, max(1, (next.dispatchTargetMs ?? Double(delta.base)) + delta.change))
            case .laneWidth:
                // Steps through the instruction sets this CPU runs, narrowest first.
                let supported = CPUSieveBackend.InstructionSet.supported
                let current = supported.firstIndex { $0.name == (next.laneWidth ?? CPUSieveBackend.InstructionSet.best.name) } ?? delta.base
                let index = min(supported.count - 1, max(0, current + Int(delta.change)))
                if supported.indices.contains(index) { next.laneWidth = supported[index].name }
            }
        }
        return next
    }

    /// The overrides as JSON: every key, `null` where the default holds.
    public var json: JSONValue {
        .object([("threads", threads.map { .integer($0) } ?? .null), ("chunk_size", chunkSize.map { .uint64($0) } ?? .null),
                 ("lane_width", laneWidth.map { .string($0) } ?? .null), ("dispatch_target_ms", .number(dispatchTargetMs))])
    }

    public func encode(to encoder: any Encoder) throws { try json.encode(to: encoder) }

    public init(from decoder: any Decoder) throws {
        let json = try JSONValue(from: decoder)
        do { self = try SoakOverrides(json: json, source: "overrides") } catch { throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.problem)) }
    }
}

/// One suggested change to an override: `key` changes by `change` (from `base` when the
/// override is unset: the value in force).
public struct SoakDelta: Sendable, Equatable {
    public var key: SoakOverrides.Key
    public var change: Double
    public var base: Int

    public init(key: SoakOverrides.Key, change: Double, base: Int) {
        self.key = key
        self.change = change
        self.base = base
    }
}
