import Foundation
import MPIBatchCore
import MPIBatchJournal
import MPIBatchScheduling

/// What the report page draws beyond the summary, gathered in one streaming pass over the
/// journal's last part (or fed by the journal as it writes): task durations (log-scale bins),
/// busy slots over time, and, for a Monte Carlo run, each block's accumulator (to draw the
/// running estimate).
struct PageData: JournalVisitor {
    /// Duration bins: bin k holds tasks of 10^(k/4 - 6) s up to the next edge (1 µs to ~10⁴ s).
    private(set) var durationCounts = [Int](repeating: 0, count: PageData.durationBins)
    /// Busy slots over the part's time.
    private(set) var busy: BusyOverTime
    /// Monte Carlo blocks by index, when the values are accumulators (at most `maximumBlocks`).
    private(set) var blocks: [Int: MonteCarloAccumulator] = [:]

    static let durationBins = 40
    static let timeBins = 300
    static let maximumBlocks = 1_000_000

    /// The lower edge of duration bin `bin`, in seconds.
    static func durationEdge(_ bin: Int) -> Double { pow(10, Double(bin) / 4 - 6) }

    /// Charts of the part that starts at `origin` (on the run's time axis), empty until lines are visited.
    init(origin: Double) {
        busy = BusyOverTime(origin: origin, capacity: 2 * Self.timeBins)
    }

    /// Counts one attempt that started within the part: its duration, its busy time, its block.
    mutating func visit(_ line: JournalFileReader.Line) {
        let entry = line.entry
        guard entry.start >= busy.origin else { return }
        let bin = entry.seconds > 0 ? Int((log10(entry.seconds) + 6) * 4) : 0
        durationCounts[min(max(bin, 0), Self.durationBins - 1)] += 1
        busy.add(from: entry.start, to: entry.start + entry.seconds)
        // A `null` value (a kernel's or a command's without one) is no accumulator: not parsed to find that out.
        if entry.status == .ok, let range = entry.value, !range.isEmpty, line.bytes[range.lowerBound] != UInt8(ascii: "n"),
            blocks.count < Self.maximumBlocks, let block = MonteCarloAccumulator(TaskValue(journalBytes: UnsafeBufferPointer(rebasing: line.bytes[range])))
        {
            blocks[entry.index] = block
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
