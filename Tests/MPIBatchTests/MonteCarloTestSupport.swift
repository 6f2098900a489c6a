@testable import MPIBatchWorkloads

/// A seeded `RandomNumberGenerator` for shuffling in tests: lane 0 of a Philox path group.
struct SeededGenerator: RandomNumberGenerator {
    var draws: PathDraws

    init(seed: UInt64) {
        draws = PathDraws(seed: seed)
        draws.start(firstPath: .max - 7)
    }

    mutating func next() -> UInt64 { UInt64(draws.nextWord()[0]) << 32 | UInt64(draws.nextWord()[0]) }
}

/// `count` draws of lane `lane` of the group starting at path `firstPath`.
func laneDraws<T>(
    seed: UInt64, firstPath: UInt64 = 0, lane: Int = 0, count: Int, _ next: (inout PathDraws) -> SIMD8<T>
) -> [T] {
    var draws = PathDraws(seed: seed)
    draws.start(firstPath: firstPath)
    return (0..<count).map { _ in next(&draws)[lane] }
}

/// `count` draws of every lane of consecutive groups from path 0, in (group, step, lane) order.
func allLaneDraws(seed: UInt64, count: Int, _ next: (inout PathDraws) -> SIMD8<Double>) -> [Double] {
    var draws = PathDraws(seed: seed)
    var values: [Double] = []
    values.reserveCapacity(count)
    var group: UInt64 = 0
    while values.count < count {
        draws.start(firstPath: group * 8)
        for _ in 0..<64 where values.count < count {
            let lanes = next(&draws)
            for lane in 0..<8 where values.count < count { values.append(lanes[lane]) }
        }
        group += 1
    }
    return values
}

/// Pearson's chi-square statistic of `counts` against equal expected counts.
func chiSquare(_ counts: [Int]) -> Double {
    let expected = Double(counts.reduce(0, +)) / Double(counts.count)
    return counts.reduce(0.0) { sum, count in
        let deviation = Double(count) - expected
        return sum + deviation * deviation / expected
    }
}

/// Counts of `values` (in [0, 1)) in `bins` equal bins.
func histogram(_ values: some Sequence<Double>, bins: Int) -> [Int] {
    var counts = [Int](repeating: 0, count: bins)
    for value in values { counts[min(bins - 1, Int(value * Double(bins)))] += 1 }
    return counts
}

/// Whether a chi-square statistic with `bins − 1` degrees of freedom is within 5 standard
/// deviations of its mean (so a good generator essentially never fails, a biased one does).
func chiSquareIsPlausible(_ statistic: Double, bins: Int) -> Bool {
    let freedom = Double(bins - 1)
    return abs(statistic - freedom) < 5 * (2 * freedom).squareRoot()
}
