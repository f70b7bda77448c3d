import Testing
@testable import OptimizeMetrics

/// The trend rule against cases computed by hand (the arithmetic is in each comment): the last 5
/// values against the 5 before, stable when |d| ≤ max(2·SE, floor).
@Suite("trends: hand-computed cases")
struct TrendTests {
    // P = 10 12 11 9 13: mean 55/5 = 11, deviations −1 1 0 −2 2, squares 1+1+0+4+4 = 10, s² = 10/4 = 2.5.
    let previous: [Double] = [10, 12, 11, 9, 13]

    @Test("a rise of 4 with SE 1 is up")
    func up() {
        // R = 14 16 15 13 17: mean 15, s² = 2.5 (the same deviations). SE = √(2.5/5 + 2.5/5) = √1 = 1.
        // d = 15 − 11 = 4; threshold = max(2·1, 0.01·11 = 0.11) = 2; 4 > 2: up.
        let trend = Trend(values: previous + [14, 16, 15, 13, 17], floor: .relative(0.01))
        #expect(trend.direction == .up)
        #expect(trend.arrow == "↑")
        #expect(trend.recentMean == 15)
        #expect(trend.previousMean == 11)
        #expect(trend.difference == 4)
        #expect(trend.standardError == 1)
        #expect(trend.threshold == 2)
        #expect(trend.recentCount == 5 && trend.previousCount == 5)
    }

    @Test("a rise of exactly 2 standard errors is stable; a fall of 4 is down")
    func boundaryAndDown() {
        // R = 12 14 13 11 15: mean 13, s² 2.5, SE 1, d = 2 = threshold: |d| ≤ 2, stable.
        let stable = Trend(values: previous + [12, 14, 13, 11, 15], floor: .relative(0.01))
        #expect(stable.direction == .stable)
        #expect(stable.arrow == "→")
        #expect(stable.difference == 2)
        // R = 6 8 7 5 9: mean 7, d = −4 < −2: down.
        let down = Trend(values: previous + [6, 8, 7, 5, 9], floor: .relative(0.01))
        #expect(down.direction == .down)
        #expect(down.arrow == "↓")
        #expect(down.difference == -4)
    }

    @Test("identical values: SE = 0, and the 1% floor decides")
    func floorOfQuality() {
        // P = 100 ×5, R = 100.5 ×5: SE = 0, d = 0.5, floor = 0.01·100 = 1: stable.
        let small = Trend(values: Array(repeating: 100, count: 5) + Array(repeating: 100.5, count: 5), floor: .relative(0.01))
        #expect(small.direction == .stable)
        #expect(small.standardError == 0)
        #expect(abs((small.threshold ?? 0) - 1) < 1e-12)
        // R = 102 ×5: d = 2 > 1: up.
        let large = Trend(values: Array(repeating: 100, count: 5) + Array(repeating: 102, count: 5), floor: .relative(0.01))
        #expect(large.direction == .up)
    }

    @Test("success rates: two failures in five after five successes are within the noise; five failures are down")
    func successRate() {
        // P = 1 1 1 1 1: mean 1, s² 0. R = 1 1 1 0 0: mean 0.6, deviations 0.4 ×3 and −0.6 ×2,
        // squares 3·0.16 + 2·0.36 = 1.2, s² = 0.3. SE = √(0.3/5) = √0.06 = 0.244949.
        // d = −0.4; threshold = max(0.489898, 0.05) = 0.489898; |d| ≤ it: stable.
        let noisy = Trend(values: [1, 1, 1, 1, 1, 1, 1, 1, 0, 0], floor: .absolute(0.05))
        #expect(noisy.direction == .stable)
        #expect(abs((noisy.standardError ?? 0) - 0.244949) < 1e-6)
        #expect(abs((noisy.threshold ?? 0) - 0.489898) < 1e-6)
        #expect(abs((noisy.difference ?? 0) + 0.4) < 1e-12)
        // R = 0 ×5: d = −1, SE = 0, threshold = the floor 0.05: down.
        let failing = Trend(values: [1, 1, 1, 1, 1, 0, 0, 0, 0, 0], floor: .absolute(0.05))
        #expect(failing.direction == .down)
        #expect(failing.threshold == 0.05)
        // P = 1 1 1 1 0: mean 0.8, squares 4·0.04 + 0.64 = 0.8, s² = 0.2. R = 1 ×5.
        // SE = √(0.2/5) = 0.2, threshold 0.4; d = 0.2: stable.
        let recovered = Trend(values: [1, 1, 1, 1, 0, 1, 1, 1, 1, 1], floor: .absolute(0.05))
        #expect(recovered.direction == .stable)
        #expect(abs((recovered.standardError ?? 0) - 0.2) < 1e-12)
    }

    @Test("fewer than 2 values in a window is unknown; only the last 10 values count")
    func windows() {
        let short = Trend(values: [1, 2, 3, 4, 5, 6], floor: .relative(0.01))  // R = 2…6, P = 1: one value
        #expect(short.direction == .unknown)
        #expect(short.arrow == "?")
        #expect(short.difference == nil)
        #expect(Trend(values: [], floor: .absolute(0.05)).direction == .unknown)
        // 7 values: R = the last 5 (10 ×5: mean 10, s² 0), P = 1 3 (mean 2, s² = (1 + 1)/1 = 2).
        // SE = √(0 + 2/2) = 1, d = 8 > 2: up.
        let seven = Trend(values: [1, 3, 10, 10, 10, 10, 10], floor: .relative(0.01))
        #expect(seven.previousCount == 2)
        #expect(seven.direction == .up)
        #expect(seven.standardError == 1)
        // Two huge values before the last 10 change nothing: the case of `up` above.
        let older = Trend(values: [1e9, -1e9] + previous + [14, 16, 15, 13, 17], floor: .relative(0.01))
        #expect(older.previousMean == 11)
        #expect(older.standardError == 1)
    }

    @Test("a summary averages the values that exist and takes the trend of each measurement")
    func summary() {
        // Success 1 1 0 1: rate 3/4. Quality 2 and 4 (two records without): mean 3. Time 1 2 3 4: mean 2.5.
        let records = [(true, 2.0, 1.0), (true, nil, 2.0), (false, nil, 3.0), (true, 4.0, 4.0)].enumerated().map { index, value in
            MetricsRecord(success: value.0, agent: "a", qualityScore: value.1, executionTimeS: value.2,
                          timestamp: "2026-12-0\(index + 1)T00:00:00.000Z")
        }
        let summary = MetricsSummary(agent: "a", records: records)
        #expect(summary.executionCount == 4)
        #expect(summary.successRate == 0.75)
        #expect(summary.avgQualityScore == 3)
        #expect(summary.avgExecutionTimeS == 2.5)
        #expect(summary.lastExecution == "2026-12-04T00:00:00.000Z")
        #expect(summary.trend.qualityScore.direction == .unknown)
        let empty = MetricsSummary(agent: "a", records: [])
        #expect(empty.successRate == nil && empty.avgQualityScore == nil && empty.lastExecution == nil)
    }
}
