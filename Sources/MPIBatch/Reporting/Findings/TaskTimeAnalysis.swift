/// What one streaming pass over a run's journal says about its task times: per group (a
/// stage, or the whole sweep) the mean task time, and when each slot ran out of work.
/// Only the lines of the run's last part (start at or after `startOffset`) count.
struct TaskTimeAnalysis {
    /// A task far longer than its group's mean that was still running when slots had gone idle.
    struct Straggler {
        var index: Int
        var group: String
        var seconds: Double
        var groupMean: Double
    }

    /// The longest stragglers, longest first (at most five).
    private(set) var stragglers: [Straggler] = []
    /// Slot-seconds spent idle after the first slot ran out of work, ÷ all slot-seconds.
    private(set) var idleTailShare = 0.0
    /// Seconds from the first slot running out of work to the last task's end.
    private(set) var tailSeconds = 0.0
    /// Attempts counted.
    private(set) var attempts = 0

    /// A task this many times its group's mean, on the tail, is a straggler.
    static let stragglerRatio = 1.5
    /// Groups smaller than this have no meaningful mean.
    static let smallestGroup = 5
    /// A straggler's excess over its group's mean must be at least this share of the run's span
    /// (and `minimumExcessSeconds`): noise a few milliseconds long is not worth a finding.
    static let minimumExcessShare = 0.05
    /// See `minimumExcessShare`.
    static let minimumExcessSeconds = 0.1

    /// Reads the journal at `path` twice (means first, then stragglers), in flat memory.
    init(journal path: String, startOffset: Double) throws(RunFileError) {
        var groups: [String: (count: Int, seconds: Double)] = [:]
        var slotEnds: [Int: [Int: Double]] = [:]
        var first = Double.infinity
        var last = 0.0
        _ = try JournalFileReader.read(path: path) { line in
            let entry = line.entry
            guard entry.start >= startOffset else { return }
            attempts += 1
            let group = Self.group(of: line)
            groups[group, default: (0, 0)].count += 1
            groups[group, default: (0, 0)].seconds += entry.seconds
            let end = entry.start + entry.seconds
            slotEnds[entry.rank, default: [:]][entry.slot] = max(slotEnds[entry.rank]?[entry.slot] ?? 0, end)
            first = min(first, entry.start)
            last = max(last, end)
        }
        let ends = slotEnds.values.flatMap(\.values)
        guard attempts > 0, let tailStart = ends.min(), last > first else { return }
        tailSeconds = last - tailStart
        idleTailShare = ends.reduce(0) { $0 + (last - $1) } / (Double(ends.count) * (last - first))
        var found: [Straggler] = []
        _ = try JournalFileReader.read(path: path) { line in
            let entry = line.entry
            guard entry.start >= startOffset, entry.start + entry.seconds > tailStart else { return }
            let group = Self.group(of: line)
            guard let tally = groups[group], tally.count >= Self.smallestGroup else { return }
            let mean = tally.seconds / Double(tally.count)
            let excess = entry.seconds - mean
            guard entry.seconds > Self.stragglerRatio * mean,
                excess >= max(Self.minimumExcessSeconds, Self.minimumExcessShare * (last - first))
            else { return }
            found.append(Straggler(index: entry.index, group: group, seconds: entry.seconds, groupMean: mean))
        }
        stragglers = Array(found.sorted { $0.seconds > $1.seconds }.prefix(5))
    }

    /// The line's stage (`params.stage` of a stage graph's task), or "" for a sweep.
    private static func group(of line: JournalFileReader.Line) -> String {
        guard let params = line.entry.params else { return "" }
        let raw = UnsafeBufferPointer(rebasing: line.bytes[params])
        guard let stage = JournalLineScanner.members(of: raw)?.first(where: { $0.key == "stage" }) else { return "" }
        return JournalString.decode(UnsafeBufferPointer(rebasing: raw[stage.value])) ?? ""
    }
}
