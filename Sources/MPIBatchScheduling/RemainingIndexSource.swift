import MPIBatchCore

/// On `--resume`, for a flat index range: the chunk policy re-planned over the work that is
/// left, not over the whole job with holes in it. The inner source hands out positions
/// `0 ..< remaining` (sized as if the job were only what is left); each position range maps
/// to the indices it stands for, in order, cut at the journaled successes, with every
/// previously failed task on its own so the coordinator can carry its attempt count on.
package struct RemainingIndexSource: WorkSource {
    private var inner: any WorkSource
    /// The indices left to run, as ranges, with the position each begins at.
    private let left: [Range<Int>]
    private let leftStarts: [Int]
    private let failed: IndexRanges
    private var pieces: [Range<Int>] = []
    package private(set) var limit: Int

    /// Over `taskCount` tasks, skipping `done` and isolating `failed`; `makeInner(n)` makes the
    /// policy's source over `n` positions.
    package init(taskCount: Int, done: IndexRanges, failed: IndexRanges, makeInner: (Int) -> any WorkSource) {
        left = done.gaps(in: 0..<taskCount)
        var starts: [Int] = []
        var total = 0
        for range in left {
            starts.append(total)
            total += range.count
        }
        leftStarts = starts
        self.failed = failed
        limit = taskCount
        inner = makeInner(total)
    }

    package var isExhausted: Bool { pieces.isEmpty && inner.isExhausted }

    package mutating func next(forSlotOrdinal slotOrdinal: Int) -> Range<Int>? {
        while pieces.isEmpty {
            guard let positions = inner.next(forSlotOrdinal: slotOrdinal) else { return nil }
            pieces += indices(at: positions).flatMap { failed.isolating(in: $0) }
                .compactMap { $0.lowerBound < limit ? $0.lowerBound..<min($0.upperBound, limit) : nil }
        }
        return pieces.removeFirst()
    }

    /// The next range if the slot may take it (a sweep's tasks all use the same named limits).
    package mutating func next(forSlotOrdinal slotOrdinal: Int, admitting: (Int) -> Bool) -> Range<Int>? {
        guard admitting(pieces.first?.lowerBound ?? left.first?.lowerBound ?? 0) else { return nil }
        return next(forSlotOrdinal: slotOrdinal)
    }

    package mutating func lowerLimit(to newLimit: Int) {
        limit = min(limit, max(0, newLimit))
        inner.lowerLimit(to: position(of: limit))
        pieces = pieces.compactMap { $0.lowerBound < limit ? $0.lowerBound..<min($0.upperBound, limit) : nil }
    }

    /// Stops the positions standing for `range`, and the pieces inside it.
    package mutating func stopEarly(_ range: Range<Int>, winner: Int, value: TaskValue) {
        inner.stopEarly(position(of: range.lowerBound)..<position(of: range.upperBound), winner: winner, value: value)
        pieces = pieces.flatMap { $0.cutting(range) }
    }

    package mutating func finished(_ record: TaskRecord) { inner.finished(record) }
    package mutating func finished(succeeded count: Int, seconds: Double) { inner.finished(succeeded: count, seconds: seconds) }
    package func summaryFigures() -> SummaryFigures? { inner.summaryFigures() }
    package func humanSummary() -> [String] { inner.humanSummary() }
    package func findings() -> [Finding] { inner.findings() }
    package func stagesLine() -> String? { inner.stagesLine() }

    /// Done in an earlier part, or handed out (its position, and not in a piece still waiting).
    package func hasHandedOut(_ index: Int) -> Bool? {
        guard left.contains(where: { $0.contains(index) }) else { return true }
        if pieces.contains(where: { $0.contains(index) }) { return false }
        return inner.hasHandedOut(position(of: index))
    }

    /// The index ranges that positions `positions` stand for.
    private func indices(at positions: Range<Int>) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var part = lastPart(startingAtOrBefore: positions.lowerBound)
        var position = positions.lowerBound
        while position < positions.upperBound, part < left.count {
            let offset = position - leftStarts[part]
            let take = min(left[part].count - offset, positions.upperBound - position)
            let start = left[part].lowerBound + offset
            result.append(start..<(start + take))
            position += take
            part += 1
        }
        return result
    }

    /// How many positions stand for indices below `index`.
    private func position(of index: Int) -> Int {
        var low = 0
        var high = left.count
        while low < high {  // the first part whose upper bound is above index
            let middle = (low + high) / 2
            if left[middle].upperBound <= index { low = middle + 1 } else { high = middle }
        }
        guard low < left.count else { return leftStarts.last.map { $0 + left.last!.count } ?? 0 }
        return leftStarts[low] + max(0, index - left[low].lowerBound)
    }

    private func lastPart(startingAtOrBefore position: Int) -> Int {
        var low = 0
        var high = leftStarts.count
        while low < high {
            let middle = (low + high) / 2
            if leftStarts[middle] <= position { low = middle + 1 } else { high = middle }
        }
        return max(0, low - 1)
    }
}
