import Foundation
import Testing
@testable import Report

@Suite struct PlotScaleTests {
    @Test func linearTicksAreRoundAndCoverTheValues() {
        let scale = PlotScale(kind: .linear, spanning: [0, 141.5])
        // Widened to a step of 50 (141.5 / 5 rounded up to 1, 2 or 5 × 10^k); ticks every 25.
        #expect(scale.domain == 0...150)
        #expect(scale.ticks() == [0, 25, 50, 75, 100, 125, 150])
        #expect(scale.fraction(37.5) == 0.25)
    }

    @Test func logarithmicTicksLabelTheTopDecade() {
        let scale = PlotScale(kind: .logarithmic, spanning: [2.5e-118, 3])
        #expect(scale.domain == 1e-118...10)
        let ticks = scale.ticks()
        #expect(ticks.count <= 8)
        #expect(ticks.last == 10)
        #expect(scale.label(10) == "10" && scale.label(1e-42) == "1e-42")
        #expect(abs(scale.fraction(1e-54) - 64.0 / 119) < 1e-12)
    }

    @Test func labelsArePlainIntegersOrShortExponents() {
        #expect(Markup.label(250000) == "250000")
        #expect(Markup.label(3_000_000) == "3e6")
        #expect(Markup.label(3_100_000) == "3.1e6")
        #expect(Markup.label(3_141_592) == "3141592")
        #expect(Markup.label(0.57) == "0.57")
        #expect(Markup.label(2.5e-7) == "2.5e-7")
        #expect(Markup.label(3.39794) == "3.398")
    }

    @Test func onePointPerScreenCell() {
        var plot = Plot(id: "p", title: "t", guide: "g",
                        x: .init(label: "x", scale: PlotScale(kind: .linear, exactly: 0...1)),
                        y: .init(label: "y", scale: PlotScale(kind: .linear, exactly: 0...1)))
        // 10,000 points on one spot and 100 spread over the width: 1 + 100 marks.
        let spot = (0..<10_000).map { _ in Plot.Point(x: 0.5, y: 0.5) }
        let spread = (0..<100).map { Plot.Point(x: Double($0) / 100, y: 0.1) }
        plot.series = [.init(name: "s", shape: .points, points: spot + spread)]
        let marks = plot.svg().components(separatedBy: "r=\"3\"/>").count - 1  // data marks; the legend's key has a class
        #expect(marks == 101)
    }
}

@Suite struct ParameterImportanceTests {
    @Test func epsilonSquaredByHand() throws {
        // Groups {1, 3} and {5, 7}: mean 4, SS_total = 9 + 1 + 1 + 9 = 20, SS_between = 2·4 + 2·4 = 16,
        // SS_within = 4, n = 4, k = 2: ε² = (16 − 1 · 4 / 2) / 20 = 0.7.
        let value = try #require(ParameterImportance.epsilonSquared(values: [1, 1, 2, 2], scores: [1, 3, 5, 7]))
        #expect(abs(value - 0.7) < 1e-12)
        // Both groups have mean 2: SS_between = 0, ε² = (0 − 4 / 2) / 4 < 0, clipped to 0.
        #expect(ParameterImportance.epsilonSquared(values: [1, 2, 1, 2], scores: [1, 1, 3, 3]) == 0)
        // One group, or scores that do not vary: no estimate.
        #expect(ParameterImportance.epsilonSquared(values: [5, 5, 5], scores: [1, 2, 3]) == nil)
        #expect(ParameterImportance.epsilonSquared(values: [1, 2, 3], scores: [4, 4, 4]) == nil)
    }

    @Test func manyValuesFallIntoTenGroupsOfEqualSize() {
        let labels = ParameterImportance.groupLabels((0..<100).map(Double.init))
        #expect(Set(labels).count == 10)
        #expect(labels.filter { $0 == 3 }.count == 10)
        // Equal values share a group.
        let tied = ParameterImportance.groupLabels([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
        #expect(Set(tied.prefix(11)).count == 1)
    }

    @Test func rankedLargestFirst() {
        let scores: [Double] = [1, 2, 3, 4, 5, 6, 7, 8]
        let estimates = ParameterImportance.estimate([("noise", [1, 2, 1, 2, 1, 2, 1, 2]), ("signal", [1, 1, 1, 1, 2, 2, 2, 2])], scores: scores)
        #expect(estimates.first?.name == "signal")
    }
}

@Suite struct SweepChanceTests {
    @Test func binomialMaximumByHand() {
        // Binomial(3, 1/2): P(1) = 3/8, P(2) = 3/8, P(3) = 1/8; one skip, scaled to 7 survivors: 3, 3, 1.
        let one = SweepReport.chanceDistribution(window: 3, minimum: 1, skips: 1, modulus: 2, expectedSurvivors: 7)
        #expect(zip(one, [3.0, 3, 1]).allSatisfy { abs($0 - $1) < 1e-12 })
        // Two skips: P(max ≥ m) = 1 − (1 − tail(m))², tails 7/8, 4/8, 1/8 → 63/64, 48/64, 15/64;
        // P(max = 1, 2, 3) = 15/64, 33/64, 15/64, scaled to 63 survivors: 15, 33, 15.
        let two = SweepReport.chanceDistribution(window: 3, minimum: 1, skips: 2, modulus: 2, expectedSurvivors: 63)
        #expect(zip(two, [15.0, 33, 15]).allSatisfy { abs($0 - $1) < 1e-9 })
    }

    @Test func tinyTailsKeepTheirDigits() {
        let chance = SweepReport.chanceDistribution(window: 40, minimum: 3, skips: 21, modulus: 1000, expectedSurvivors: 86.59)
        #expect(abs(chance.reduce(0, +) - 86.59) < 1e-9)
        #expect(chance.last! > 0 && chance.last! < 1e-100)
        #expect(zip(chance, chance.dropFirst()).allSatisfy { $0 > $1 })
    }
}
