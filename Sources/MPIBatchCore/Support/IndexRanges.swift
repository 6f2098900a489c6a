/// A set of task indices stored as sorted, disjoint, non-adjacent ranges: the
/// journal's finished tasks are mostly contiguous, so this stays small.
/// (Foundation's `IndexSet` traps in `rangeView(of:)` on Linux, hence this.)
public struct IndexRanges: Sendable, Equatable {
    /// The ranges, sorted, disjoint and not touching.
    public private(set) var ranges: [Range<Int>] = []

    /// The set of the given indices.
    public init<S: Sequence>(_ indices: S) where S.Element == Int {
        for index in indices.sorted() {
            if let last = ranges.last, index <= last.upperBound {
                if index == last.upperBound { ranges[ranges.count - 1] = last.lowerBound..<(index + 1) }
            } else {
                ranges.append(index..<(index + 1))
            }
        }
    }

    /// The empty set.
    public init() {}

    /// Adds `index`. Cheap when indices come mostly in ascending order, as a journal's do.
    public mutating func insert(_ index: Int) {
        if let last = ranges.last, index >= last.lowerBound {
            if index < last.upperBound { return }
            if index == last.upperBound {
                ranges[ranges.count - 1] = last.lowerBound..<(index + 1)
                return
            }
            ranges.append(index..<(index + 1))
            return
        }
        let position = firstRange(endingAfter: index)
        if position < ranges.count, ranges[position].contains(index) { return }
        let joinsBelow = position > 0 && ranges[position - 1].upperBound == index
        let joinsAbove = position < ranges.count && ranges[position].lowerBound == index + 1
        switch (joinsBelow, joinsAbove) {
        case (true, true):
            ranges[position - 1] = ranges[position - 1].lowerBound..<ranges[position].upperBound
            ranges.remove(at: position)
        case (true, false): ranges[position - 1] = ranges[position - 1].lowerBound..<(index + 1)
        case (false, true): ranges[position] = index..<ranges[position].upperBound
        case (false, false): ranges.insert(index..<(index + 1), at: position)
        }
    }

    /// How many indices the set holds.
    public var count: Int { ranges.reduce(0) { $0 + $1.count } }

    /// How many of the indices lie in `range`.
    public func count(in range: Range<Int>) -> Int {
        ranges.reduce(0) { $0 + $1.clamped(to: range).count }
    }

    /// Whether `index` is in the set.
    public func contains(_ index: Int) -> Bool {
        let position = firstRange(endingAfter: index)
        return position < ranges.count && ranges[position].contains(index)
    }

    /// The parts of `range` the set does not hold, in order.
    public func gaps(in range: Range<Int>) -> [Range<Int>] {
        var gaps: [Range<Int>] = []
        var cursor = range.lowerBound
        var position = firstRange(endingAfter: range.lowerBound)
        while cursor < range.upperBound {
            guard position < ranges.count, ranges[position].lowerBound < range.upperBound else {
                gaps.append(cursor..<range.upperBound)
                break
            }
            let held = ranges[position]
            if cursor < held.lowerBound { gaps.append(cursor..<held.lowerBound) }
            cursor = max(cursor, held.upperBound)
            position += 1
        }
        return gaps
    }

    /// `range` cut so that every index of the set in it stands alone: `[0, 10)` with 3 and 4
    /// in the set gives `[0, 3) [3, 4) [4, 5) [5, 10)`.
    public func isolating(in range: Range<Int>) -> [Range<Int>] {
        var pieces: [Range<Int>] = []
        var cursor = range.lowerBound
        for gap in gaps(in: range) + [range.upperBound..<range.upperBound] {
            pieces += (cursor..<gap.lowerBound).map { $0..<($0 + 1) }  // the set's members, one by one
            if !gap.isEmpty { pieces.append(gap) }
            cursor = gap.upperBound
        }
        return pieces
    }

    /// The first range whose upper bound is above `index` (binary search).
    private func firstRange(endingAfter index: Int) -> Int {
        var low = 0
        var high = ranges.count
        while low < high {
            let middle = (low + high) / 2
            if ranges[middle].upperBound <= index { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
