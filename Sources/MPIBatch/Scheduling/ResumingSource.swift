/// On `--resume`: hands out only tasks the earlier run has no result for. It
/// wraps the workload's own source and cuts the journaled indices out of its
/// ranges, telling the inner source they finished (so a stage graph releases
/// their dependents). Previously failed tasks are rerun through the
/// coordinator's retry queue instead, with their attempt count carried on.
struct ResumingSource: WorkSource {
    private var inner: any WorkSource
    private let journaled: IndexRanges
    private let values: [Int: TaskValue]
    private var pieces: [Range<Int>] = []

    /// Wraps `inner`, skipping every index in `journaled`; `values` are the journaled
    /// values the inner source is told about (a stage's value, say).
    init(inner: any WorkSource, skipping journaled: IndexRanges, values: [Int: TaskValue] = [:]) {
        self.inner = inner
        self.journaled = journaled
        self.values = values
    }

    var isExhausted: Bool { pieces.isEmpty && inner.isExhausted }
    var limit: Int { inner.limit }

    mutating func lowerLimit(to newLimit: Int) {
        inner.lowerLimit(to: newLimit)
        pieces = pieces.compactMap { $0.lowerBound < newLimit ? $0.lowerBound..<min($0.upperBound, newLimit) : nil }
    }

    mutating func next(forSlotOrdinal slotOrdinal: Int) -> Range<Int>? {
        while pieces.isEmpty {
            guard let range = inner.next(forSlotOrdinal: slotOrdinal) else { return nil }
            let gaps = journaled.gaps(in: range)
            var cursor = range.lowerBound
            for gap in gaps + [range.upperBound..<range.upperBound] {
                for index in cursor..<gap.lowerBound { inner.finished(earlierResult(index)) }
                cursor = gap.upperBound
            }
            pieces += gaps
        }
        return pieces.removeFirst()
    }

    mutating func finished(_ record: TaskRecord) { inner.finished(record) }
    func writeSummaryFields(to json: inout JSONWriter) { inner.writeSummaryFields(to: &json) }
    func humanSummary() -> [String] { inner.humanSummary() }

    /// Stands for a result the earlier run journaled, with its value (its time is not re-counted).
    private func earlierResult(_ index: Int) -> TaskRecord {
        TaskRecord(
            index: index, attempt: 1, status: .ok, rank: 0, slot: 0, start: 0, seconds: 0, value: values[index] ?? .none,
            error: nil)
    }
}
