import MPIBatchCore
import MPIBatchJob

/// On `--resume`, for a source that hands out a structure of its own (a stage graph): hands
/// out only the tasks the earlier run has no `ok` result for. It takes the inner source's
/// ranges, cuts the journaled successes out (telling the inner source they are done, with
/// their values, so a stage graph releases their dependents) and hands out the rest, each
/// previously failed task on its own so the coordinator can carry its attempt count on.
/// Failed tasks thus rerun where the inner source puts them: a stage's failed task only
/// once its stage is ready, and its dependents only after it succeeded.
struct ResumingSource: WorkSource {
    private var inner: any WorkSource
    private let journaled: IndexRanges
    private let failed: IndexRanges
    private let values: [Int: TaskValue]
    private var pieces: [Range<Int>] = []

    /// Wraps `inner`, skipping every index in `journaled` (told to `inner` with its value
    /// from `values`) and isolating every index in `failed`.
    init(inner: any WorkSource, skipping journaled: IndexRanges, isolating failed: IndexRanges, values: [Int: TaskValue]) {
        self.inner = inner
        self.journaled = journaled
        self.failed = failed
        self.values = values
    }

    var isExhausted: Bool { pieces.isEmpty && inner.isExhausted }
    var limit: Int { inner.limit }

    mutating func lowerLimit(to newLimit: Int) {
        inner.lowerLimit(to: newLimit)
        pieces = pieces.compactMap { $0.lowerBound < newLimit ? $0.lowerBound..<min($0.upperBound, newLimit) : nil }
    }

    mutating func next(forSlotOrdinal slotOrdinal: Int) -> Range<Int>? {
        next(forSlotOrdinal: slotOrdinal) { _ in true }
    }

    mutating func next(forSlotOrdinal slotOrdinal: Int, admitting: (Int) -> Bool) -> Range<Int>? {
        while pieces.isEmpty {
            guard let range = inner.next(forSlotOrdinal: slotOrdinal, admitting: admitting) else { return nil }
            pieces += restoringJournaled(in: range).flatMap { failed.isolating(in: $0) }
        }
        return pieces.removeFirst()
    }

    /// Tells the inner source that the journaled successes in `range` (which it handed out)
    /// are done; returns the parts of `range` left to run.
    private mutating func restoringJournaled(in range: Range<Int>) -> [Range<Int>] {
        let gaps = journaled.gaps(in: range)
        var cursor = range.lowerBound
        for gap in gaps + [range.upperBound..<range.upperBound] {
            for index in cursor..<gap.lowerBound { inner.restored(index, value: values[index] ?? .none) }
            cursor = gap.upperBound
        }
        return gaps
    }

    /// Cancels the stage in the inner source. Of what it never handed out, the journaled
    /// successes are done (an earlier part ran them); the rest, and the pieces cut from the
    /// stage and not handed out yet, are to settle.
    mutating func cancelStage(named name: String) -> StageCancellation {
        let outcome = inner.cancelStage(named: name)
        guard case .cancelled(let handedOut, let notHandedOut, let skipped) = outcome else { return outcome }
        let waiting = pieces.map { $0.clamped(to: handedOut) }.filter { !$0.isEmpty }
        pieces = pieces.flatMap { $0.cutting(handedOut) }
        return .cancelled(
            handedOut: handedOut, notHandedOut: waiting + notHandedOut.flatMap { restoringJournaled(in: $0) }, skipped: skipped)
    }

    mutating func finished(_ record: TaskRecord) { inner.finished(record) }
    mutating func finished(succeeded count: Int, seconds: Double) { inner.finished(succeeded: count, seconds: seconds) }
    mutating func restored(_ index: Int, value: TaskValue) { inner.restored(index, value: value) }
    mutating func takeEffects() -> [SourceEffect] { inner.takeEffects() }
    mutating func stageValueStored(stage: Int, failure: String?) { inner.stageValueStored(stage: stage, failure: failure) }
    mutating func stageExpanded(stage: Int, outcome: Result<Int, RunTimeTableError>) {
        inner.stageExpanded(stage: stage, outcome: outcome)
    }
    var reservedButUnused: Int { inner.reservedButUnused }

    /// Stops `range` in the inner source; pieces already cut from it are handed back as
    /// finished `cancelled`, so the inner source's count of them comes out right.
    mutating func stopEarly(_ range: Range<Int>, winner: Int, value: TaskValue) {
        inner.stopEarly(range, winner: winner, value: value)
        for piece in pieces {
            for index in piece.clamped(to: range) { inner.finished(TaskRecord.cancelled(index)) }
        }
        pieces = pieces.flatMap { $0.cutting(range) }
    }
    func summaryFigures() -> SummaryFigures? { inner.summaryFigures() }
    func humanSummary() -> [String] { inner.humanSummary() }
    func findings() -> [Finding] { inner.findings() }
    func stagesLine() -> String? { inner.stagesLine() }

    /// Done in an earlier part, or handed out (by the inner source, and not in a piece still waiting).
    func hasHandedOut(_ index: Int) -> Bool? {
        if journaled.contains(index) { return true }
        if pieces.contains(where: { $0.contains(index) }) { return false }
        return inner.hasHandedOut(index)
    }
}
