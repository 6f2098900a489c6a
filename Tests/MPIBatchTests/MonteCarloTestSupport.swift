@testable import MPIBatch

/// A seeded `RandomNumberGenerator` for shuffling in tests, drawn from a Philox path stream.
struct SeededGenerator: RandomNumberGenerator {
    var stream: PathRandomStream

    init(seed: UInt64) { stream = PathRandomStream(seed: seed, path: .max) }

    mutating func next() -> UInt64 { stream.nextUInt64() }
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
