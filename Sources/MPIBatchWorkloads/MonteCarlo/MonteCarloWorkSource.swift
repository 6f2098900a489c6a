import MPIBatchCore
import MPIBatchScheduling

/// The work source of a Monte Carlo run with a precision target: the chunk
/// policy's ranges, handed out in pieces of at most `maxBlocks` blocks, lowest
/// block first.
///
/// Why: a target is decided on whole blocks in block order, and a slot computes
/// every block of a chunk it holds. Under `auto` or `guided` the first chunks
/// are a large share of all blocks (thousands for a 10⁸-path cap), so the run
/// would go on for the whole chunk after the target was met. Small pieces bound
/// the overshoot to a few pieces per slot; handing out the lowest pending block
/// first lets the in-order merge reach the target as early as possible.
/// Under `static` each slot keeps its own share (split into pieces), as the
/// policy promises. Which blocks are simulated never changes the result: the
/// reducer merges blocks `0 ..< cut` in order whoever ran them.
struct MonteCarloWorkSource: WorkSource {
    private var inner: IndexDispenser
    private let policy: ChunkPolicy
    private let totalSlots: Int
    private let isStatic: Bool
    private let maxBlocks: Int
    /// Ranges taken from `inner` but not yet handed out, by slot ordinal (static) or under key 0.
    private var pending: [Int: [Range<Int>]] = [:]

    /// Pieces of `policy`'s chunks over `blockCount` blocks, at most `maxBlocks` each.
    init(policy: ChunkPolicy, blockCount: Int, totalSlots: Int, maxBlocks: Int) {
        inner = IndexDispenser(policy: policy, taskCount: blockCount, totalSlots: totalSlots)
        self.policy = policy
        self.totalSlots = totalSlots
        isStatic = policy == .static
        self.maxBlocks = max(1, maxBlocks)
    }

    var limit: Int { inner.limit }

    var isExhausted: Bool { inner.isExhausted && pending.values.allSatisfy(\.isEmpty) }

    mutating func next(forSlotOrdinal slotOrdinal: Int) -> Range<Int>? {
        let key = isStatic ? slotOrdinal : 0
        if pending[key, default: []].isEmpty, let fresh = inner.next(forSlotOrdinal: slotOrdinal) {
            pending[key, default: []].append(fresh)
        }
        guard var ranges = pending[key], let first = ranges.indices.min(by: { ranges[$0].lowerBound < ranges[$1].lowerBound })
        else { return nil }
        let range = ranges[first]
        let piece = range.lowerBound..<min(range.upperBound, range.lowerBound + maxBlocks)
        if piece.upperBound == range.upperBound {
            ranges.remove(at: first)
        } else {
            ranges[first] = piece.upperBound..<range.upperBound
        }
        pending[key] = ranges
        return piece
    }

    /// A Monte Carlo job has no `stop_when:` (its `target:` is its early stop): nothing to stop.
    mutating func stopEarly(_ range: Range<Int>, winner: Int, value: TaskValue) {}

    mutating func lowerLimit(to newLimit: Int) {
        inner.lowerLimit(to: newLimit)
        let limit = inner.limit
        for key in pending.keys {
            pending[key] = pending[key]!.compactMap { range in
                range.lowerBound < limit ? range.lowerBound..<min(range.upperBound, limit) : nil
            }
        }
    }

    mutating func finished(_ record: TaskRecord) { inner.finished(record) }
    mutating func finished(succeeded count: Int, seconds: Double) { inner.finished(succeeded: count, seconds: seconds) }

    /// The same pieces over the blocks left, lowest first (a target is still met in block order).
    func resumed(taskCount: Int, done: IndexRanges, failed: IndexRanges, values: [Int: TaskValue]) -> any WorkSource {
        RemainingIndexSource(taskCount: taskCount, done: done, failed: failed) { [policy, totalSlots, maxBlocks] remaining in
            MonteCarloWorkSource(policy: policy, blockCount: remaining, totalSlots: totalSlots, maxBlocks: maxBlocks)
        }
    }
}
