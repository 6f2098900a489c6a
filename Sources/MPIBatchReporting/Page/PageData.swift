import Foundation
import MPIBatchCore
import MPIBatchJournal
import MPIBatchScheduling

/// What the report page draws beyond the summary, gathered in one streaming pass over the
/// journal's last part: task durations (log-scale bins), busy slots over time (fixed bins),
/// and, for a Monte Carlo run, each block's accumulator (to draw the running estimate).
struct PageData: JournalVisitor {
    /// Duration bins: bin k holds tasks of 10^(k/4 - 6) s up to the next edge (1 µs to ~10⁴ s).
    private(set) var durationCounts = [Int](repeating: 0, count: PageData.durationBins)
    /// Busy slots (summed task time ÷ bin width) per time bin over the part's span.
    private(set) var busy: [Double]
    /// The span drawn, in seconds on the run's axis.
    private(set) var span: ClosedRange<Double>
    /// One time bin's width, in seconds.
    private let width: Double
    /// Monte Carlo blocks by index, when the values are accumulators (at most `maximumBlocks`).
    private(set) var blocks: [Int: MonteCarloAccumulator] = [:]

    static let durationBins = 40
    static let timeBins = 300
    static let maximumBlocks = 1_000_000

    /// The lower edge of duration bin `bin`, in seconds.
    static func durationEdge(_ bin: Int) -> Double { pow(10, Double(bin) / 4 - 6) }

    /// Charts of `span` (on the run's time axis), empty until lines are visited.
    init(span: ClosedRange<Double>) {
        self.span = span
        busy = Array(repeating: 0, count: Self.timeBins)
        width = max(1e-9, (span.upperBound - span.lowerBound) / Double(Self.timeBins))
    }

    /// Counts one attempt that started within the span: its duration, its busy time, its block.
    mutating func visit(_ line: JournalFileReader.Line) {
        let entry = line.entry
        guard entry.start >= span.lowerBound else { return }
        let bin = entry.seconds > 0 ? Int((log10(entry.seconds) + 6) * 4) : 0
        durationCounts[min(max(bin, 0), Self.durationBins - 1)] += 1
        addBusy(from: entry.start, to: entry.start + entry.seconds)
        if entry.status == .ok, let range = entry.value, blocks.count < Self.maximumBlocks,
            let block = MonteCarloAccumulator(TaskValue(journalBytes: UnsafeBufferPointer(rebasing: line.bytes[range])))
        {
            blocks[entry.index] = block
        }
    }

    /// Spreads one task's time over the bins it overlaps.
    private mutating func addBusy(from start: Double, to end: Double) {
        var time = max(start, span.lowerBound)
        let stop = min(end, span.upperBound)
        while time < stop {
            let bin = min(Self.timeBins - 1, Int((time - span.lowerBound) / width))
            let binEnd = span.lowerBound + Double(bin + 1) * width
            let piece = min(stop, binEnd) - time
            busy[bin] += piece / width
            time += max(piece, 1e-12)
        }
    }

    /// The running estimate after each block, merged in block order: (paths, mean, ci95 low, high),
    /// at most `points` of them.
    func runningEstimate(points: Int = 400) -> [(paths: Double, mean: Double, low: Double, high: Double)] {
        let order = blocks.keys.sorted()
        guard !order.isEmpty else { return [] }
        let every = max(1, order.count / points)
        var total = MonteCarloAccumulator()
        var result: [(paths: Double, mean: Double, low: Double, high: Double)] = []
        for (position, index) in order.enumerated() {
            total.merge(blocks[index]!)
            guard position % every == 0 || position == order.count - 1 else { continue }
            let estimate = MonteCarloEstimate(total)
            result.append((Double(estimate.paths), estimate.mean, estimate.ci95Low, estimate.ci95High))
        }
        return result
    }
}
