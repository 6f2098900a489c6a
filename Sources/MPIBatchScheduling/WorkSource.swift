import MPIBatchCore
import MPIBatchJob

/// Where the coordinator's fresh work comes from: a flat index range sized by a
/// `ChunkPolicy` (`IndexDispenser`), or a stage graph that releases a stage's
/// tasks once its dependencies finish. The coordinator owns retries, fail-fast
/// and the stop protocol; a source only decides what runs next.
public protocol WorkSource {
    /// The next range for the slot with global ordinal `slotOrdinal`; nil when
    /// nothing is ready now (the request waits and is asked again after the next
    /// task finishes for good) or ever (`isExhausted`).
    mutating func next(forSlotOrdinal slotOrdinal: Int) -> Range<Int>?
    /// As `next(forSlotOrdinal:)`, when the job has named limits: `admitting(i)` says whether
    /// the slot could take a chunk starting at index `i` now. A source that can choose (a stage
    /// graph) skips what is not admitted; one that cannot may hand it out anyway, and the
    /// coordinator holds it until a slot may take it.
    mutating func next(forSlotOrdinal slotOrdinal: Int, admitting: (Int) -> Bool) -> Range<Int>?
    /// Whether every task has been handed out (or will never run); in-flight tasks may still be running.
    var isExhausted: Bool { get }
    /// Tasks from this index on are not run (a precision target was met).
    var limit: Int { get }
    /// Lowers `limit`.
    mutating func lowerLimit(to newLimit: Int)
    /// A task's final attempt came back: ok, or failed after its retries.
    mutating func finished(_ record: TaskRecord)
    /// `count` tasks succeeded, in `seconds` of task time together, and came counted, not one by
    /// one (`SucceededRun`): only for a workload whose values rank 0 does not fold, so never
    /// for a source that needs each record (a stage graph's).
    mutating func finished(succeeded count: Int, seconds: Double)
    /// A task the earlier run of a resumed run finished with `value` (no time is counted for it).
    mutating func restored(_ index: Int, value: TaskValue)
    /// Hands out nothing more from `range`: an early stop (`stop_when:`, `race:`) met by task
    /// `winner`, whose value is `value`. Tasks in flight there still come back (`cancelled`,
    /// or finished); a stage there then completes as succeeded, its value the winner's.
    mutating func stopEarly(_ range: Range<Int>, winner: Int, value: TaskValue)
    /// The side effects asked for since the last call (a stage value to write, a warning),
    /// for rank 0's driver to carry out off the communication thread.
    mutating func takeEffects() -> [SourceEffect]
    /// The value `SourceEffect.storeStageValue` asked for is written, or could not be
    /// (`failure`): the stage's dependents may start.
    mutating func stageValueStored(stage: Int, failure: String?)
    /// The expansion `SourceEffect.expandStage` asked for is done: the stage has `outcome`
    /// tasks, or it fails.
    mutating func stageExpanded(stage: Int, outcome: Result<Int, RunTimeTableError>)
    /// Indices the job reserved that will never run (a run-time table's rows short of its `max_tasks:`).
    var reservedButUnused: Int { get }
    /// This source for a resumed run of `taskCount` tasks: without the journaled successes
    /// `done` (whose values are `values`), with the previously failed tasks `failed` each
    /// handed out alone.
    func resumed(taskCount: Int, done: IndexRanges, failed: IndexRanges, values: [Int: TaskValue]) -> any WorkSource
    /// What the source adds to `summary.json` (a stage graph's critical path and stages), if anything.
    func summaryFigures() -> SummaryFigures?
    /// Lines the source adds to the human summary.
    func humanSummary() -> [String]
    /// What the source found about the run (a stage graph's critical path, say).
    func findings() -> [Finding]
    /// Whether task `index` has been handed out (or settled without running) already; nil when
    /// the source cannot say. `mpibatch cancel` refuses a task that already ran.
    func hasHandedOut(_ index: Int) -> Bool?
    /// `mpibatch cancel --stage NAME`: hands out nothing more of stage `name`, which counts as
    /// cancelled once its tasks are back, and skips its dependents.
    mutating func cancelStage(named name: String) -> StageCancellation
    /// A stage graph's stages by state now (`running 1 (model), succeeded 2, waiting 3`), for the live status.
    func stagesLine() -> String?
}

extension WorkSource {
    /// A source that cannot choose hands out its next range.
    public mutating func next(forSlotOrdinal slotOrdinal: Int, admitting: (Int) -> Bool) -> Range<Int>? {
        next(forSlotOrdinal: slotOrdinal)
    }
    /// A flat range needs no completion callbacks.
    public mutating func finished(_ record: TaskRecord) {}
    /// A source that keeps nothing of finished tasks counts nothing.
    public mutating func finished(succeeded count: Int, seconds: Double) {}
    /// A flat range keeps no state about finished tasks.
    public mutating func restored(_ index: Int, value: TaskValue) {}
    /// A flat range asks for no side effects.
    public mutating func takeEffects() -> [SourceEffect] { [] }
    /// A flat range writes no stage values.
    public mutating func stageValueStored(stage: Int, failure: String?) {}
    /// A flat range expands nothing.
    public mutating func stageExpanded(stage: Int, outcome: Result<Int, RunTimeTableError>) {}
    /// A flat range reserves nothing.
    public var reservedButUnused: Int { 0 }
    /// The journaled successes cut out of this source's own ranges.
    public func resumed(taskCount: Int, done: IndexRanges, failed: IndexRanges, values: [Int: TaskValue]) -> any WorkSource {
        ResumingSource(inner: self, skipping: done, isolating: failed, values: values)
    }
    /// No extra summary figures.
    public func summaryFigures() -> SummaryFigures? { nil }
    /// No extra summary lines.
    public func humanSummary() -> [String] { [] }
    /// No findings of its own.
    public func findings() -> [Finding] { [] }
    /// No stages.
    public func stagesLine() -> String? { nil }
    /// Not known.
    public func hasHandedOut(_ index: Int) -> Bool? { nil }
    /// No stages to cancel.
    public mutating func cancelStage(named name: String) -> StageCancellation {
        .refused("this run is not a stage graph: --stage cancels a stage of a stages: job (cancel its tasks by index)")
    }
}
