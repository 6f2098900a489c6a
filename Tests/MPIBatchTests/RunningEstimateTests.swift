import Testing
@testable import MPIBatchReporting
@testable import MPIBatchScheduling

/// The report page's Monte Carlo running estimate holds a bounded number of bins however
/// many blocks the run has (it held every block, up to a million, and dropped the rest).
@Suite struct RunningEstimateTests {
    /// One block of `paths` paths whose values are index, index + 1, ...
    private static func block(_ index: Int, paths: Int) -> MonteCarloAccumulator {
        var block = MonteCarloAccumulator()
        for path in 0..<paths { block.add(Double(index + path)) }
        return block
    }

    @Test func moreBlocksThanBinsStayExactAtEachBinsEnd() {
        let blocks = 5000
        var estimate = RunningEstimate(capacity: 8)
        var all = MonteCarloAccumulator()
        for index in (0..<blocks).shuffled() {
            let block = Self.block(index, paths: 3)
            estimate.add(block, index: index)
        }
        for index in 0..<blocks { all.merge(Self.block(index, paths: 3)) }
        let points = estimate.points()
        #expect(points.count <= 8 && points.count >= 4)
        // Each point is after a whole bin of `width` blocks (the last may be short).
        #expect(points.dropLast().enumerated().allSatisfy { Int($0.element.paths) == 3 * estimate.width * ($0.offset + 1) })
        let last = points.last!
        let whole = MonteCarloEstimate(all)
        #expect(Int(last.paths) == 3 * blocks)
        #expect(abs(last.mean - whole.mean) <= 1e-9 * abs(whole.mean))
        #expect(abs(last.high - whole.ci95High) <= 1e-9 * abs(whole.ci95High))
    }

    @Test func fewBlocksGetAPointEach() {
        var estimate = RunningEstimate(capacity: 8)
        for index in [2, 0, 1] { estimate.add(Self.block(index, paths: 2), index: index) }
        #expect(estimate.points().map(\.paths) == [2, 4, 6])
        #expect(estimate.points().map(\.mean) == [0.5, 1, 1.5])
    }
}
