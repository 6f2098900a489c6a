import MPIBatchScheduling

/// A Monte Carlo run's running estimate for the report page, in bounded memory however many
/// blocks the run has: each block's accumulator is merged into the bin of `width` consecutive
/// block indices it falls in, and whenever a block lies beyond the last bin, neighbouring bins
/// are merged and `width` doubles (at most `capacity` bins, at least half of them in use once
/// it has doubled). The estimate is exact at every bin's end: the blocks before it, all merged.
struct RunningEstimate {
    /// Each bin's merged blocks; nil while none fell in it.
    private var bins: [MonteCarloAccumulator?]
    /// Block indices per bin.
    private(set) var width = 1

    /// Empty bins, at most `capacity` (even) of them.
    init(capacity: Int = 800) {
        bins = Array(repeating: nil, count: max(2, capacity))
    }

    /// Merges block `index`'s accumulator into its bin.
    mutating func add(_ block: MonteCarloAccumulator, index: Int) {
        guard index >= 0 else { return }
        while index / width >= bins.count { coarsen() }
        Self.merge(block, into: &bins[index / width])
    }

    /// (paths, mean, ci95 low, high) after each bin's blocks, merged in block order.
    func points() -> [(paths: Double, mean: Double, low: Double, high: Double)] {
        var total = MonteCarloAccumulator()
        var result: [(paths: Double, mean: Double, low: Double, high: Double)] = []
        for bin in bins {
            guard let bin else { continue }
            total.merge(bin)
            let estimate = MonteCarloEstimate(total)
            result.append((Double(estimate.paths), estimate.mean, estimate.ci95Low, estimate.ci95High))
        }
        return result
    }

    /// Halves the bins' use: neighbours merged, each bin twice as wide.
    private mutating func coarsen() {
        let half = bins.count / 2
        for bin in 0..<half {
            var merged = bins[2 * bin]
            if let right = bins[2 * bin + 1] { Self.merge(right, into: &merged) }
            bins[bin] = merged
        }
        for bin in half..<bins.count { bins[bin] = nil }
        width *= 2
    }

    private static func merge(_ block: MonteCarloAccumulator, into bin: inout MonteCarloAccumulator?) {
        if bin == nil { bin = block } else { bin!.merge(block) }
    }
}
