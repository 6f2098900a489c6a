/// A set of task indices stored as sorted, disjoint, non-adjacent ranges: the
/// journal's finished tasks are mostly contiguous, so this stays small.
/// (Foundation's `IndexSet` traps in `rangeView(of:)` on Linux, hence this.)
struct IndexRanges: Sendable, Equatable {
    /// The ranges, sorted, disjoint and not touching.
    private(set) var ranges: [Range<Int>] = []

    /// The set of the given indices.
    init<S: Sequence>(_ indices: S) where S.Element == Int {
        for index in indices.sorted() {
            if let last = ranges.last, index <= last.upperBound {
                if index == last.upperBound { ranges[ranges.count - 1] = last.lowerBound..<(index + 1) }
            } else {
                ranges.append(index..<(index + 1))
            }
        }
    }

    /// How many indices the set holds.
    var count: Int { ranges.reduce(0) { $0 + $1.count } }

    /// Whether `index` is in the set.
    func contains(_ index: Int) -> Bool {
        let position = firstRange(endingAfter: index)
        return position < ranges.count && ranges[position].contains(index)
    }

    /// The parts of `range` the set does not hold, in order.
    func gaps(in range: Range<Int>) -> [Range<Int>] {
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
