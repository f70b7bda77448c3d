import _SieveKernelsCPU

/// A family with every parameter set: what a kernel needs to run a generator.
///
/// Build one from a family and the parameters the user overrode; the rest take their defaults. The
/// initializer checks every value, so a configuration always describes a generator the kernels
/// define.
///
/// ```swift
/// let lcg = try PRNGConfiguration(family: .family(.lcg32), parameters: ["m": 0])  // mod 2^32
/// let outputs = try lcg.outputs(seed: 12345, count: 5)
/// ```
public struct PRNGConfiguration: Sendable, Hashable, CustomStringConvertible {
    public let family: PRNGFamily
    /// Every parameter of the family, by name, defaults filled in.
    public let parameters: [String: UInt64]

    /// - Parameters:
    ///   - family: the generator family.
    ///   - overrides: parameter values that differ from the defaults, by name.
    ///   - source: how the user named these values, for error messages.
    /// - Throws: ``InputError`` (``InputError/Kind/invalidParameter``) for an unknown name or a value
    ///   outside the parameter's range.
    public init(
        family: PRNGFamily, parameters overrides: [String: UInt64] = [:], source: String = "--param"
    ) throws(InputError) {
        var values: [String: UInt64] = [:]
        for parameter in family.parameters {
            values[parameter.name] = parameter.defaultValue
        }
        for (name, given) in overrides.sorted(by: { $0.key < $1.key }) {
            // lcg32's m = 2^32 is what m = 0 stands for.
            let value = family.id == .lcg32 && name == "m" && given == UInt64(1) << 32 ? 0 : given
            guard let parameter = family.parameter(named: name) else {
                let known = family.parameters.map(\.name)
                throw InputError(
                    .invalidParameter, source: "\(source) \(name)",
                    problem: "\(family.name) has no parameter '\(name)'",
                    fix: known.isEmpty
                        ? "drop it: \(family.name) takes no parameters"
                        : "use one of: \(known.joined(separator: ", "))")
            }
            guard parameter.validValues.contains(value) else {
                throw InputError(
                    .invalidParameter, source: "\(source) \(name)",
                    problem: "\(value) is outside \(family.name)'s range for \(name) (\(parameter.summary))",
                    fix: "give a value from \(parameter.validValues.lowerBound) to \(parameter.validValues.upperBound)"
                        + (family.id == .lcg32 && name == "m" ? " (m = 0 or 2^32 means mod 2^32)" : ""))
            }
            values[name] = value
        }
        if family.id == .lcg32, values["m"] == 1 {
            throw InputError(
                .invalidParameter, source: "\(source) m",
                problem: "lcg32 with modulus 1 has a single state",
                fix: "give m = 0 (mod 2^32) or a modulus from 2 to 4294967295")
        }
        self.family = family
        self.parameters = values
    }

    /// The family with its default parameters.
    public init(_ id: PRNGFamily.ID) {
        let family = PRNGFamily.family(id)
        self.family = family
        self.parameters = Dictionary(uniqueKeysWithValues: family.parameters.map { ($0.name, $0.defaultValue) })
    }

    public subscript(parameter name: String) -> UInt64? { parameters[name] }

    /// Whether `prev` undoes `next` exactly for these parameters.
    public var isInvertible: Bool {
        switch family.inverse {
        case .always: return true
        case .never: return false
        case .when:
            switch family.id {
            case .lcg32:
                let a = parameters["a", default: 0]
                let m = parameters["m", default: 0]
                return m == 0 ? a & 1 == 1 : greatestCommonDivisor(a, m) == 1
            case .java_lcg:
                return parameters["a", default: 0] & 1 == 1
            default:
                return true
            }
        }
    }

    /// `name` followed by the parameters that differ from the defaults: `lcg32(m=0)`.
    public var description: String {
        let changed = family.parameters.filter { parameters[$0.name] != $0.defaultValue }
        guard !changed.isEmpty else { return family.name }
        let list = changed.map { "\($0.name)=\(parameters[$0.name, default: 0])" }
        return "\(family.name)(\(list.joined(separator: ", ")))"
    }

    /// The parameters as the kernels read them (`PrngParams` in `Shaders/KernelArgs.h`).
    package var kernelParams: PrngParams {
        var p = PrngParams()
        p.family = family.id.kernelValue
        let value = { (name: String) in self.parameters[name, default: 0] }
        switch family.id {
        case .xorshift32:
            p.xorshift_a = UInt32(value("a"))
            p.xorshift_b = UInt32(value("b"))
            p.xorshift_c = UInt32(value("c"))
        case .pcg32:
            p.pcg_increment = value("increment")
        case .lcg32:
            p.lcg_a = UInt32(value("a"))
            p.lcg_c = UInt32(value("c"))
            p.lcg_m = value("m")
        case .java_lcg:
            p.java_a = value("a")
            p.java_c = value("c")
        case .xorshift64, .xorshift128, .minstd, .mt19937, .xoshiro256pp, .philox4x32, .sfc64:
            break
        }
        return p
    }
}

func greatestCommonDivisor(_ a: UInt64, _ b: UInt64) -> UInt64 {
    var (x, y) = (a, b)
    while y != 0 {
        (x, y) = (y, x % y)
    }
    return x
}
