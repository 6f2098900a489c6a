import Foundation
import MPIBatchCore
import MPIBatchJournal
import MPIBatchScheduling

/// What the report page draws beyond the summary, gathered in one streaming pass over the
/// journal's last part (or fed by the journal as it writes): task durations (log-scale bins),
/// busy slots over time, and, for a Monte Carlo run, the running estimate (blocks merged in
/// bins of block indices).
struct PageData: JournalVisitor {
    /// Duration bins: bin k holds tasks of 10^(k/4 - 6) s up to the next edge (1 µs to ~10⁴ s).
    private(set) var durationCounts = [Int](repeating: 0, count: PageData.durationBins)
    /// Busy slots over the part's time.
    private(set) var busy: BusyOverTime
    /// The Monte Carlo running estimate, when the values are accumulators (bounded bins of blocks).
    private(set) var estimate = RunningEstimate()

    static let durationBins = 40
    static let timeBins = 300

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
        // Only an array can be a block's accumulator: any other value (a sweep's number, text or
        // object, once per line) is not parsed to find that out.
        if entry.status == .ok, let range = entry.value, !range.isEmpty, line.bytes[range.lowerBound] == UInt8(ascii: "["),
            let block = MonteCarloAccumulator(TaskValue(journalBytes: UnsafeBufferPointer(rebasing: line.bytes[range])))
        {
            estimate.add(block, index: entry.index)
        }
    }
}
