import Testing
@testable import Report

@Suite struct PlotScaleTests {
    @Test func linearTicksAreRoundAndCoverTheValues() {
        let scale = PlotScale(kind: .linear, spanning: [0, 141.5])
        #expect(scale.domain == 0...160)
        #expect(scale.ticks() == [0, 20, 40, 60, 80, 100, 120, 140, 160])
    }
}
