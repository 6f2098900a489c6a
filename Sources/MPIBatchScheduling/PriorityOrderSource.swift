import MPIBatchCore
import MPIBatchJob

/// A sweep whose `priority:` is one parameter of its grid (`priority: "{mesh}"`), handed out
/// highest value first without the sweep ever being written out task by task.
///
/// The tasks sharing one value of the parameter are the blocks of its axis: `inner` index
/// distance (the product of the later axes' counts) long, one per combination of the earlier
/// axes. Positions `0 ..< taskCount` number the tasks in priority order (the axis's values
/// highest first, ties in file order; then the earlier axes; then the later ones, as in the
/// index space), and an `IndexDispenser` sizes chunks of positions under the run's policy.
/// A chunk of positions is the index ranges it stands for, handed out one at a time: whole
/// blocks when the parameter's axis comes first, single tasks when it comes last.
/// Memory: one entry per value of the parameter's axis.
package struct PriorityOrderSource: WorkSource {
    private var positions: IndexDispenser
    /// The axis's value positions, highest priority first.
    private let order: [Int]
    /// Where each value position stands in `order`.
    private let rankOfValue: [Int]
    /// The axis's value count, the index distance between its neighbours, and the tasks per value.
    private let axisCount: Int
    private let stride: Int
    private let outer: Int
    private let taskCount: Int
    /// Index ranges cut from the last chunk of positions, to hand out, last one first.
    private var pieces: [Range<Int>] = []
    /// Ranges stopped early: nothing in them is handed out.
    private var stopped: [Range<Int>] = []
    package private(set) var limit: Int

    /// Over `space`, by parameter number `parameter` (every value a number), chunks sized by `policy`.
    package init(space: IndexSpace, parameter: Int, policy: ChunkPolicy, totalSlots: Int) {
        let entry = space.parameters[parameter]
        axisCount = max(1, space.axisCounts[entry.axis])
        stride = space.axisStrides[entry.axis]
        taskCount = space.taskCount
        outer = space.taskCount / max(1, axisCount * stride)
        let values = (0..<axisCount).map { entry.column.value(at: $0).doubleValue ?? 0 }
        order = (0..<axisCount).sorted { values[$0] > values[$1] || (values[$0] == values[$1] && $0 < $1) }
        var ranks = Array(repeating: 0, count: axisCount)
        for (rank, value) in order.enumerated() { ranks[value] = rank }
        rankOfValue = ranks
        positions = IndexDispenser(policy: policy, taskCount: space.taskCount, totalSlots: totalSlots)
        limit = space.taskCount
    }

    package var isExhausted: Bool { pieces.isEmpty && positions.isExhausted }

    package mutating func next(forSlotOrdinal slotOrdinal: Int) -> Range<Int>? {
        while pieces.isEmpty {
            guard let chunk = positions.next(forSlotOrdinal: slotOrdinal) else { return nil }
            pieces = indexRanges(of: chunk).reversed()
        }
        return pieces.popLast()
    }

    /// The next range if the slot may take it (a sweep's tasks all use the same named limits).
    package mutating func next(forSlotOrdinal slotOrdinal: Int, admitting: (Int) -> Bool) -> Range<Int>? {
        guard admitting(pieces.last?.lowerBound ?? 0) else { return nil }
        return next(forSlotOrdinal: slotOrdinal)
    }

    /// The index ranges positions `chunk` stand for, in order, adjacent ones joined, cut at
    /// the limit and at what was stopped.
    private func indexRanges(of chunk: Range<Int>) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var position = chunk.lowerBound
        while position < chunk.upperBound {
            let block = position / stride
            let take = min(chunk.upperBound, (block + 1) * stride) - position
            let start = index(at: position)
            if let last = ranges.last, last.upperBound == start {
                ranges[ranges.count - 1] = last.lowerBound..<start + take
            } else {
                ranges.append(start..<start + take)
            }
            position += take
        }
        return ranges.flatMap { range in
            stopped.reduce([range.clamped(to: 0..<limit)]) { pieces, stop in pieces.flatMap { $0.cutting(stop) } }
        }.filter { !$0.isEmpty }
    }

    /// The index of the task at `position` in priority order.
    private func index(at position: Int) -> Int {
        let block = position / stride
        let (rank, combination) = (block / outer, block % outer)
        return combination * axisCount * stride + order[rank] * stride + position % stride
    }

    /// The position of task `index` in priority order.
    private func position(of index: Int) -> Int {
        let combination = index / (axisCount * stride)
        let value = (index / stride) % axisCount
        return (rankOfValue[value] * outer + combination) * stride + index % stride
    }

    package mutating func lowerLimit(to newLimit: Int) {
        limit = min(limit, max(0, newLimit))
        pieces = pieces.compactMap { $0.lowerBound < limit ? $0.lowerBound..<min($0.upperBound, limit) : nil }
    }

    /// Hands out nothing more from `range` (a sweep's `stop_when:` covers all of it).
    package mutating func stopEarly(_ range: Range<Int>, winner: Int, value: TaskValue) {
        stopped.append(range)
        pieces = pieces.flatMap { $0.cutting(range) }.filter { !$0.isEmpty }
        if range.lowerBound == 0, range.upperBound >= taskCount { positions.stopEarly(0..<taskCount, winner: winner, value: value) }
    }

    /// Feeds the `auto` policy's measurements.
    package mutating func finished(_ record: TaskRecord) { positions.finished(record) }
    package mutating func finished(succeeded count: Int, seconds: Double) { positions.finished(succeeded: count, seconds: seconds) }

    package func hasHandedOut(_ index: Int) -> Bool? {
        guard index >= 0, index < taskCount else { return nil }
        if pieces.contains(where: { $0.contains(index) }) { return false }
        return positions.hasHandedOut(position(of: index))
    }
}
