import MPIBatchJournal

/// What one streaming pass over a run's journal says about its task times: per group (a
/// stage, or the whole sweep) the mean task time, and when each slot ran out of work.
/// Only the lines of the run's last part (start at or after `startOffset`) count.
///
/// It takes the lines as a `JournalVisitor`, in the pass the other reports share; `finish()`
/// then picks the stragglers. A straggler's excess over its group's mean is at least
/// `minimumExcessShare` of the run's span, and the span only grows as lines come, so a line
/// shorter than that share of the span so far can never be one: only the others are kept
/// (a slot's tasks do not overlap, so that is about 1 ÷ `minimumExcessShare` per slot).
package struct TaskTimeAnalysis: JournalVisitor {
    /// A task far longer than its group's mean that was still running when slots had gone idle.
    struct Straggler {
        var index: Int
        var group: String
        var seconds: Double
        var groupMean: Double
    }

    /// The longest stragglers, longest first (at most five); set by `finish()`.
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

    private let startOffset: Double
    private var groups: [String: (count: Int, seconds: Double)] = [:]
    private var slotEnds: [Int: [Int: Double]] = [:]
    /// The group of the last lines visited and their tally, not yet in `groups`: lines come in
    /// runs of one group (a sweep has one), so most lines cost no dictionary lookup.
    private var recentGroup: (name: String, count: Int, seconds: Double)?
    /// The slot of the last lines visited and their latest end, not yet in `slotEnds` (a
    /// results message holds one slot's records).
    private var recentSlot: (rank: Int, slot: Int, end: Double)?
    private var first = Double.infinity
    private var last = 0.0
    /// Attempts long enough to be stragglers, in journal order.
    private var candidates: [(straggler: Straggler, end: Double)] = []
    /// When `candidates` is next thinned to what the span so far allows.
    private var thinAt = 1024

    /// An analysis of the lines that start at or after `startOffset`.
    init(startOffset: Double) { self.startOffset = startOffset }

    /// Counts one attempt, and keeps it if it is long enough to be a straggler.
    mutating func visit(_ line: JournalFileReader.Line) {
        let entry = line.entry
        guard entry.start >= startOffset else { return }
        attempts += 1
        let group = Self.group(of: line)
        if recentGroup?.name != group {
            foldRecentGroup()
            recentGroup = (group, 0, 0)
        }
        recentGroup!.count += 1
        recentGroup!.seconds += entry.seconds
        let end = entry.start + entry.seconds
        if let recent = recentSlot, recent.rank == entry.rank, recent.slot == entry.slot {
            recentSlot!.end = max(recent.end, end)
        } else {
            foldRecentSlot()
            recentSlot = (entry.rank, entry.slot, end)
        }
        first = min(first, entry.start)
        last = max(last, end)
        guard entry.seconds >= shortestStraggler else { return }
        candidates.append((Straggler(index: entry.index, group: group, seconds: entry.seconds, groupMean: 0), end))
        if candidates.count >= thinAt {
            let shortest = shortestStraggler
            candidates.removeAll { $0.straggler.seconds < shortest }
            thinAt = max(1024, 2 * candidates.count)
        }
    }

    /// Moves `recentGroup`'s tally into `groups`.
    private mutating func foldRecentGroup() {
        guard let recent = recentGroup else { return }
        groups[recent.name, default: (0, 0)].count += recent.count
        groups[recent.name, default: (0, 0)].seconds += recent.seconds
        recentGroup = nil
    }

    /// Moves `recentSlot`'s end into `slotEnds`.
    private mutating func foldRecentSlot() {
        guard let recent = recentSlot else { return }
        slotEnds[recent.rank, default: [:]][recent.slot] = max(slotEnds[recent.rank]?[recent.slot] ?? 0, recent.end)
        recentSlot = nil
    }

    /// The shortest attempt that can still be a straggler, given the span so far.
    private var shortestStraggler: Double {
        max(Self.minimumExcessSeconds, Self.minimumExcessShare * (last > first ? last - first : 0))
    }

    /// The tail's figures and the stragglers, once every line was visited.
    mutating func finish() {
        foldRecentGroup()
        foldRecentSlot()
        let ends = slotEnds.values.flatMap(\.values)
        guard attempts > 0, let tailStart = ends.min(), last > first else { return }
        tailSeconds = last - tailStart
        idleTailShare = ends.reduce(0) { $0 + (last - $1) } / (Double(ends.count) * (last - first))
        let found: [Straggler] = candidates.compactMap { candidate in
            var straggler = candidate.straggler
            guard candidate.end > tailStart, let tally = groups[straggler.group], tally.count >= Self.smallestGroup
            else { return nil }
            straggler.groupMean = tally.seconds / Double(tally.count)
            let excess = straggler.seconds - straggler.groupMean
            guard straggler.seconds > Self.stragglerRatio * straggler.groupMean,
                excess >= max(Self.minimumExcessSeconds, Self.minimumExcessShare * (last - first))
            else { return nil }
            return straggler
        }
        stragglers = Array(found.sorted { $0.seconds > $1.seconds }.prefix(5))
        candidates = []
    }

    private static let stageKey = Array(#""stage""#.utf8)

    /// Whether `pattern` occurs in `bytes`: a plain loop (params are short), where a generic
    /// `firstRange(of:)` resolved to Foundation's and cost more than the rest of the line's visit.
    private static func contains(_ pattern: [UInt8], in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = pattern.first, bytes.count >= pattern.count else { return false }
        var start = 0
        while start <= bytes.count - pattern.count {
            if bytes[start] == first {
                var matched = 1
                while matched < pattern.count && bytes[start + matched] == pattern[matched] { matched += 1 }
                if matched == pattern.count { return true }
            }
            start += 1
        }
        return false
    }

    /// The line's stage (`params.stage` of a stage graph's task), or "" for a sweep.
    private static func group(of line: JournalFileReader.Line) -> String {
        guard let params = line.entry.params else { return "" }
        let raw = UnsafeBufferPointer(rebasing: line.bytes[params])
        // Most lines are a sweep's: only params that hold the key's bytes are worth parsing.
        guard contains(stageKey, in: raw),
            let stage = JournalLineScanner.members(of: raw)?.first(where: { $0.key == "stage" })
        else { return "" }
        return JournalString.decode(UnsafeBufferPointer(rebasing: raw[stage.value])) ?? ""
    }
}
