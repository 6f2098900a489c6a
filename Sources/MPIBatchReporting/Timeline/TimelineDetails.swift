import MPIBatchJournal

/// The params and error of each attempt, kept as raw JSON members
/// (`"params":{...},"error":"..."`) for the trace's `args` and the SVG's tooltips.
///
/// Kept within a byte budget; a merged span shows none (`TimelineSpan.absorb` forgets them).
struct TimelineDetails {
    /// Every stored attempt's members, one after another.
    private(set) var bytes: [UInt8] = []
    private var ends: [Int] = []
    private let lineLimit: Int
    private let totalLimit: Int
    /// Attempts whose details did not fit the budget.
    private(set) var omitted = 0

    /// A store that keeps at most `lineLimit` bytes per attempt and `totalLimit` in all.
    init(lineLimit: Int, totalLimit: Int) {
        self.lineLimit = lineLimit
        self.totalLimit = totalLimit
    }

    /// Stores the params and error found in `line`; returns their number for
    /// `TimelineSpan.detail`, or -1 when they are not kept.
    mutating func store(_ attempt: JournalEntry, line: UnsafeBufferPointer<UInt8>) -> Int32 {
        guard attempt.params != nil || attempt.error != nil else { return -1 }
        let size = (attempt.params?.count ?? 0) + (attempt.error?.count ?? 0) + 20
        guard size <= lineLimit, bytes.count + size <= totalLimit, ends.count < Int32.max else {
            omitted += 1
            return -1
        }
        let begin = bytes.count
        for (key, range) in [("\"params\":", attempt.params), ("\"error\":", attempt.error)] {
            guard let range else { continue }
            if bytes.count != begin { bytes.append(UInt8(ascii: ",")) }
            bytes.append(contentsOf: key.utf8)
            bytes.append(contentsOf: line[range])
        }
        ends.append(bytes.count)
        return Int32(ends.count - 1)
    }

    /// The members stored as number `detail`, or an empty slice.
    subscript(detail: Int32) -> ArraySlice<UInt8> {
        guard detail >= 0 else { return [] }
        let index = Int(detail)
        return bytes[(index == 0 ? 0 : ends[index - 1])..<ends[index]]
    }
}
