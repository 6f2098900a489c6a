import Testing

@testable import MPIBatchScheduling

@Suite("Monte Carlo accumulator")
struct MonteCarloAccumulatorTests {
    static let values: [Double] = {
        laneDraws(seed: 5, firstPath: 5, count: 10_000) { 3 + 2 * $0.nextNormal() }
    }()

    static func accumulate(_ values: some Sequence<Double>) -> MonteCarloAccumulator {
        var accumulator = MonteCarloAccumulator()
        for value in values { accumulator.add(value) }
        return accumulator
    }

    @Test("Welford matches the two-pass mean and variance")
    func welfordMatchesTwoPass() {
        let accumulator = Self.accumulate(Self.values)
        let mean = Self.values.reduce(0, +) / Double(Self.values.count)
        let variance = Self.values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(Self.values.count - 1)
        #expect(accumulator.count == Self.values.count)
        #expect(abs(accumulator.mean - mean) < 1e-12)
        #expect(abs(accumulator.variance - variance) < 1e-10)
        #expect(accumulator.minimum == Self.values.min())
        #expect(accumulator.maximum == Self.values.max())
    }

    @Test("merging blocks equals adding sequentially, within rounding", arguments: [1, 7, 1000, 4096])
    func mergeMatchesSequential(blockSize: Int) {
        var merged = MonteCarloAccumulator()
        for start in stride(from: 0, to: Self.values.count, by: blockSize) {
            merged.merge(Self.accumulate(Self.values[start..<min(start + blockSize, Self.values.count)]))
        }
        let sequential = Self.accumulate(Self.values)
        #expect(merged.count == sequential.count)
        #expect(abs(merged.mean - sequential.mean) < 1e-12)
        #expect(abs(merged.m2 - sequential.m2) < 1e-9 * sequential.m2)
        #expect(merged.minimum == sequential.minimum && merged.maximum == sequential.maximum)
    }

    @Test("merging with an empty accumulator changes nothing")
    func emptyIsIdentity() {
        let full = Self.accumulate(Self.values.prefix(10))
        var left = MonteCarloAccumulator()
        left.merge(full)
        var right = full
        right.merge(MonteCarloAccumulator())
        #expect(left == full && right == full)
    }

    @Test("a task value round-trips every bit")
    func taskValueRoundTrip() throws {
        let accumulator = Self.accumulate(Self.values.prefix(333))
        let decoded = try #require(MonteCarloAccumulator(accumulator.taskValue))
        #expect(decoded.count == accumulator.count)
        #expect(decoded.mean.bitPattern == accumulator.mean.bitPattern)
        #expect(decoded.m2.bitPattern == accumulator.m2.bitPattern)
        #expect(decoded.minimum.bitPattern == accumulator.minimum.bitPattern)
        #expect(decoded.maximum.bitPattern == accumulator.maximum.bitPattern)
    }

    @Test("values that are not a block's accumulator are refused")
    func malformedValues() {
        #expect(MonteCarloAccumulator(.number(1)) == nil)
        #expect(MonteCarloAccumulator(.numbers([1, 2, 3])) == nil)
        #expect(MonteCarloAccumulator(.numbers([1.5, 0, 0, 0, 0])) == nil)
        #expect(MonteCarloAccumulator(.numbers([-1, 0, 0, 0, 0])) == nil)
    }
}
