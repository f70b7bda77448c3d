import Foundation

/// How the estimator sees one parameter: its internal space (docs/sampler.md §1.5) and its kernels.
struct EstimatorDimension: Sendable {
    enum Kind: Sendable {
        case continuous
        /// On a grid of `step` (in the parameter's own units); every int is discrete.
        case discrete(step: Double)
        case categorical(count: Int)
    }

    let parameter: Parameter
    let kind: Kind
    let log: Bool
    /// The parameter's own bounds.
    let low: Double
    let high: Double
    /// The internal bounds L and H: widened by half a step when discrete, then ln when log-scaled.
    let lower: Double
    let upper: Double

    /// The estimator's view of `parameter`, or `nil` when it can take one value only.
    init?(_ parameter: Parameter) {
        guard !parameter.isSingleValued else { return nil }
        self.parameter = parameter
        switch parameter.domain {
        case .float(let low, let high, let log, let step):
            kind = step.map { .discrete(step: $0) } ?? .continuous
            self.log = log
            self.low = low
            self.high = high
        case .integer(let low, let high, let log, let step):
            kind = .discrete(step: Double(step))
            self.log = log
            self.low = Double(low)
            self.high = Double(high)
        case .categorical(let choices):
            kind = .categorical(count: choices.count)
            log = false
            low = 0
            high = Double(choices.count - 1)
        }
        let halfStep = if case .discrete(let step) = kind { step / 2 } else { 0.0 }
        lower = log ? Foundation.log(low - halfStep) : low - halfStep
        upper = log ? Foundation.log(high + halfStep) : high + halfStep
    }

    var isCategorical: Bool {
        if case .categorical = kind { return true }
        return false
    }

    /// A value in the parameter's own units taken to the internal space.
    func internalValue(_ value: Double) -> Double {
        log ? Foundation.log(value) : value
    }

    /// The internal coordinate of a parameter value: ln for log-scaled, the index for a categorical.
    func coordinate(of value: ParameterValue) -> Double? {
        switch value {
        case .float(let number): internalValue(number)
        case .integer(let number): internalValue(Double(number))
        case .categorical(let choice): parameter.choiceIndex(of: choice).map(Double.init)
        }
    }

    /// The parameter value nearest to an internal coordinate: exponentiated, rounded to the grid
    /// (halves to even, as numpy does), and clamped to the bounds.
    func value(atInternal x: Double) -> ParameterValue {
        switch parameter.domain {
        case .float(_, _, _, let step):
            var number = log ? Foundation.exp(x) : x
            if let step { number = low + ((number - low) / step).rounded(.toNearestOrEven) * step }
            return .float(min(max(number, low), high))
        case .integer(let low, let high, _, let step):
            let number = log ? Foundation.exp(x) : x
            // In unsigned arithmetic, so that a range as wide as Int.min ... Int.max works.
            let cells = UInt64(bitPattern: Int64(high &- low)) / UInt64(step)
            let cell = ((number - Double(low)) / Double(step)).rounded(.toNearestOrEven)
            let clampedCell: UInt64 = cell.isNaN || cell <= 0 ? 0 : cell >= Double(cells) ? cells : UInt64(cell)
            return .integer(low &+ Int(bitPattern: UInt(clampedCell &* UInt64(step))))
        case .categorical(let choices):
            return .categorical(choices[min(max(Int(x), 0), choices.count - 1)])
        }
    }

    /// The value at quantile `unit` ∈ (0, 1) of the uniform distribution that startup trials
    /// draw from (docs/sampler.md §1.2): uniform in the internal space, then rounded to the grid; a
    /// uniform choice for categoricals.
    func uniformValue(at unit: Double) -> ParameterValue {
        switch kind {
        case .categorical(let count):
            return value(atInternal: Double(min(Int(unit * Double(count)), count - 1)))
        case .continuous:
            // Keep a continuous float strictly below `high`, as a uniform draw on [low, high) is.
            if case .float(let number) = value(atInternal: lower + unit * (upper - lower)), number >= high, low < high {
                return .float(high.nextDown)
            }
            return value(atInternal: lower + unit * (upper - lower))
        case .discrete:
            return value(atInternal: lower + unit * (upper - lower))
        }
    }

    /// The edges of a grid value's bin [v − s/2, v + s/2], in the internal space.
    func binEdges(ofGridValue value: Double, step: Double) -> (Double, Double) {
        (internalValue(value - step / 2), internalValue(value + step / 2))
    }
}

/// A Parzen estimator: a weighted mixture of one kernel per observation plus a prior kernel, over
/// all sampled dimensions at once (the multivariate TPE: each kernel is a product across dimensions
/// and all dimensions share the kernel index, docs/sampler.md §1.7).
struct ParzenEstimator {
    /// Kernels of one numeric dimension.
    struct NumericKernels {
        var centres: [Double]
        var widths: [Double]
        /// log(Φ(b) − Φ(a)) of each kernel over the internal bounds: its truncation mass.
        var logTruncation: [Double]
        /// log σ + log √(2π) + log truncation, the normaliser of the continuous density.
        var logNormaliser: [Double]
    }

    let dimensions: [EstimatorDimension]
    let kernelCount: Int
    let logWeights: [Double]
    let cumulativeWeights: [Double]
    /// Per dimension: numeric kernels, or `nil` for a categorical.
    let numeric: [NumericKernels?]
    /// Per categorical dimension, kernel-major: `probabilities[d][k * count + c]`.
    let probabilities: [[Double]?]
    let logProbabilities: [[Double]?]

    /// - Parameters:
    ///   - observations: one row per trial, one internal coordinate per dimension.
    ///   - weights: one unnormalised weight per observation; the prior's weight is appended.
    ///   - clipCount: the n of the magic clip's floor R / min(100, n + 2) for a dimension, by
    ///     whether it is discrete; the number of
    ///     observations unless given.
    init(observations: [[Double]], weights: [Double], dimensions: [EstimatorDimension], priorWeight: Double, clipCount: ((EstimatorDimension) -> Int)? = nil) {
        self.dimensions = dimensions
        let count = observations.count
        kernelCount = count + 1
        var allWeights = weights + [priorWeight]
        let total = allWeights.reduce(0, +)
        for index in allWeights.indices { allWeights[index] /= total }
        logWeights = allWeights.map { Foundation.log($0) }
        var running = 0.0
        cumulativeWeights = allWeights.map { running += $0; return running }

        var numeric: [NumericKernels?] = []
        var probabilities: [[Double]?] = []
        for (d, dimension) in dimensions.enumerated() {
            let column = observations.map { $0[d] }
            switch dimension.kind {
            case .categorical(let choiceCount):
                // Each observation's row: prior_weight/K on every choice, plus 1 on the observed
                // one, normalised; the prior row is uniform (docs/sampler.md §1.6).
                let smoothing = priorWeight / Double(kernelCount)
                var table = [Double](repeating: 0, count: kernelCount * choiceCount)
                let rowTotal = 1 + Double(choiceCount) * smoothing
                for (k, observed) in column.enumerated() {
                    for c in 0..<choiceCount {
                        table[k * choiceCount + c] = (smoothing + (c == Int(observed) ? 1 : 0)) / rowTotal
                    }
                }
                for c in 0..<choiceCount { table[count * choiceCount + c] = 1 / Double(choiceCount) }
                probabilities.append(table)
                numeric.append(nil)
            case .continuous, .discrete:
                probabilities.append(nil)
                numeric.append(Self.kernels(column, dimension: dimension, clipCount: clipCount?(dimension) ?? count))
            }
        }
        self.numeric = numeric
        self.probabilities = probabilities
        logProbabilities = probabilities.map { $0?.map { Foundation.log($0) } }
    }

    /// The neighbour-gap widths with the magic clip, and the prior kernel (docs/sampler.md §1.5).
    private static func kernels(_ centres: [Double], dimension: EstimatorDimension, clipCount: Int) -> NumericKernels {
        let lower = dimension.lower
        let upper = dimension.upper
        let range = upper - lower
        var widths = [Double](repeating: range, count: centres.count)
        if centres.count == 1 {
            widths[0] = max(centres[0] - lower, upper - centres[0])
        } else if centres.count > 1 {
            let order = centres.indices.sorted { (centres[$0], $0) < (centres[$1], $1) }
            for (rank, index) in order.enumerated() {
                let left = rank > 0 ? centres[index] - centres[order[rank - 1]] : 0
                let right = rank < order.count - 1 ? centres[order[rank + 1]] - centres[index] : 0
                widths[index] = max(left, right)
            }
        }
        let minimum = range / Double(min(100, clipCount + 2))
        widths = widths.map { min(max($0, minimum), range) }
        var kernels = NumericKernels(
            centres: centres + [(lower + upper) / 2], widths: widths + [range], logTruncation: [], logNormaliser: [])
        for k in kernels.centres.indices {
            let mu = kernels.centres[k], sigma = kernels.widths[k]
            let truncation = Gaussian.logMass((lower - mu) / sigma, (upper - mu) / sigma)
            kernels.logTruncation.append(truncation)
            kernels.logNormaliser.append(Foundation.log(sigma) + Gaussian.logSqrtTwoPi + truncation)
        }
        return kernels
    }

    /// A point of the space, with what the densities need: each dimension's internal coordinate,
    /// and for discrete dimensions the internal edges of its grid bin.
    struct Point {
        var values: [ParameterValue]
        var coordinates: [Double]
        var binLower: [Double]
        var binUpper: [Double]
    }

    /// Draws one point from quantiles in (0, 1): `kernelUnit` picks a kernel by weight, then
    /// `units[d]` draws dimension d from that kernel: a categorical from its row, a numeric from
    /// its truncated normal by inverse CDF.
    func sample(kernelUnit: Double, units: [Double]) -> Point {
        let kernel = min(cumulativeWeights.firstIndex { kernelUnit < $0 } ?? (kernelCount - 1), kernelCount - 1)
        var coordinates = [Double](repeating: 0, count: dimensions.count)
        for (d, dimension) in dimensions.enumerated() {
            if case .categorical(let count) = dimension.kind, let table = probabilities[d] {
                var cumulative = 0.0
                var choice = count - 1
                for c in 0..<count {
                    cumulative += table[kernel * count + c]
                    if units[d] < cumulative { choice = c; break }
                }
                coordinates[d] = Double(choice)
            } else if let kernels = numeric[d] {
                let mu = kernels.centres[kernel], sigma = kernels.widths[kernel]
                let z = Gaussian.truncatedQuantile(units[d], (dimension.lower - mu) / sigma, (dimension.upper - mu) / sigma)
                coordinates[d] = min(max(mu + sigma * z, dimension.lower), dimension.upper)
            }
        }
        return Self.point(values: zip(dimensions, coordinates).map { $0.value(atInternal: $1) }, dimensions: dimensions)
    }

    /// The point of a parameter assignment, in internal coordinates.
    static func point(values: [ParameterValue], dimensions: [EstimatorDimension]) -> Point {
        var point = Point(values: values, coordinates: [], binLower: [], binUpper: [])
        for (dimension, value) in zip(dimensions, values) {
            point.coordinates.append(dimension.coordinate(of: value) ?? 0)
            if case .discrete(let step) = dimension.kind {
                let number: Double = switch value {
                case .integer(let integer): Double(integer)
                case .float(let float): float
                case .categorical: 0
                }
                let (edgeLow, edgeHigh) = dimension.binEdges(ofGridValue: number, step: step)
                point.binLower.append(edgeLow)
                point.binUpper.append(edgeHigh)
            } else {
                point.binLower.append(0)
                point.binUpper.append(0)
            }
        }
        return point
    }

    /// log of the mixture density (probability for discrete and categorical dimensions) at `point`.
    func logDensity(_ point: Point, scratch: inout [Double]) -> Double {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: logWeights)
        for (d, dimension) in dimensions.enumerated() {
            if let kernels = numeric[d] {
                if case .discrete = dimension.kind {
                    let edgeLow = point.binLower[d], edgeHigh = point.binUpper[d]
                    for k in 0..<kernelCount {
                        let mu = kernels.centres[k], sigma = kernels.widths[k]
                        scratch[k] += Gaussian.logMass((edgeLow - mu) / sigma, (edgeHigh - mu) / sigma)
                            - kernels.logTruncation[k]
                    }
                } else {
                    let x = point.coordinates[d]
                    for k in 0..<kernelCount {
                        let z = (x - kernels.centres[k]) / kernels.widths[k]
                        scratch[k] += -0.5 * z * z - kernels.logNormaliser[k]
                    }
                }
            } else if let table = logProbabilities[d], case .categorical(let count) = dimension.kind {
                let choice = Int(point.coordinates[d])
                for k in 0..<kernelCount { scratch[k] += table[k * count + choice] }
            }
        }
        return scratch.withUnsafeBufferPointer { Gaussian.logSumExp($0) }
    }
}
