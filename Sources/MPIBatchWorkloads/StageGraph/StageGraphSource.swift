import MPIBatchCore
import MPIBatchJob
import MPIBatchPlan
import MPIBatchScheduling

/// Rank 0's scheduler of a stage graph, behind the coordinator's `WorkSource` seam.
///
/// A stage is ready once all its dependencies succeeded; there is no barrier
/// per level. Each request gets work from the ready stage with the longest
/// remaining critical path (per-task seconds from `estimate:`, else measured
/// means, else the mean of the known ones, else equal weights; a fan-out
/// stage lasts ⌈remaining tasks ÷ slots⌉ tasks). A fan-out stage is handed out
/// in guided chunks (what it has left ÷ 2·slots, at least one), so its tasks
/// interleave with other ready stages'. A slot gets new work only when its last
/// chunk is done: a task queued behind another cannot be taken by an idle slot.
///
/// An `exclusive` stage waits until nothing is in flight, and nothing else is
/// handed out while any of its tasks is; when it is the most urgent stage,
/// lower ones wait for it rather than start. A stage with a task that failed
/// for good fails, and every stage downstream of it is skipped; the rest of the
/// graph goes on. When a stage succeeds its value goes to `value.json` for its
/// dependents (`StageValues`): the source asks for the write (`SourceEffect`), which rank
/// 0's driver carries out off the communication thread, and releases the dependents once
/// it is told the file is there. The source itself does no I/O.
///
/// A stage stopped early (`stop_when:` met, a `race:` won) hands out nothing more; once
/// its tasks in flight are back (`cancelled` or finished) it succeeds, whatever failed
/// before, and its value is the value of the task that stopped it.
///
/// A stage cancelled by `mpibatch cancel --stage` hands out nothing more either: the tasks
/// it had not handed out are handed to the coordinator at once, to settle as `cancelled`;
/// its dependents are skipped at once, as a failed stage's are; once its tasks are back it
/// is `cancelled`, with no value.
///
/// Nothing here walks every stage per task: ready stages wait in a heap by priority, and
/// the priorities (a pass over the whole graph) are refreshed when there is a choice to
/// make, after every finished task in a graph of up to `refreshStages` stages, after every
/// stages ÷ `refreshStages` tasks in a larger one, so a graph of a million stages schedules
/// in time linear in its size.
package struct StageGraphSource: WorkSource {
    /// A stage that may hand out work, ordered most urgent first: highest `priority:`, then
    /// longest remaining critical path, then lowest number.
    private struct Candidate: Comparable {
        let declared: Double
        let priority: Double
        let stage: Int

        static func < (a: Candidate, b: Candidate) -> Bool {
            if a.declared != b.declared { return a.declared > b.declared }
            return a.priority > b.priority || (a.priority == b.priority && a.stage < b.stage)
        }
    }

    /// Graphs up to this many stages refresh their priorities after every finished task.
    private static let refreshStages = 64

    let graph: StageGraph
    private let totalSlots: Int
    private let clock: () -> UInt64
    /// Rank 0's clock when the source was made: stage times are relative to it.
    let origin: UInt64
    /// Every stage's progress, in file order.
    private(set) var progress: [StageProgress]
    /// The slot ordinal each handed-out task went to.
    private var owner: [Int32]
    /// Tasks handed out to each slot ordinal and not yet back for good.
    private var outstanding: [Int]
    private var inFlight = 0
    private var exclusiveStage: Int?
    private var priorities: [Double] = []
    private var prioritiesAreStale = true
    /// Priority-changing events (tasks finished, stages released or stopped) since the last refresh.
    private var changesSinceRefresh = 0
    /// Stages released with work left to hand out (as far as known: a lowered limit or an early stop is found as met).
    private var released: Set<Int> = []
    /// `released` by priority, as of the last refresh or their release.
    private var candidates = MinHeap<Candidate>()
    /// Running stages whose `warn_after:` has not been warned about yet.
    private var watched: Set<Int> = []
    /// Stages running now.
    private var runningStages = 0
    /// Stages before this one have all been handed out in full, or will never run.
    private var exhaustedStages = 0
    /// Most tasks in flight at once, and most stages running at once.
    private(set) var peakTasks = 0
    /// See `peakTasks`.
    private(set) var peakStages = 0
    /// Warnings given during the run (`warn_after:` exceeded, a value not written).
    private(set) var warnings: [String] = []
    package private(set) var limit: Int
    /// Side effects asked for and not yet taken by the driver.
    private var effects: [SourceEffect] = []
    /// Each stage's `priority:` (0 when it declares none).
    private let declaredPriority: [Double]
    /// Each stage's most tasks at once under its named limits (nil: no limit).
    private let mostAtOnce: [Int?]

    /// A source over `graph` for `totalSlots` slots.
    package init(graph: StageGraph, totalSlots: Int, clock: @escaping () -> UInt64 = MonotonicClock.nanoseconds) {
        self.graph = graph
        self.totalSlots = max(1, totalSlots)
        self.clock = clock
        origin = clock()
        progress = graph.stages.indices.map {
            var stage = StageProgress(taskCount: graph.stages[$0].taskCount, dependencies: graph.topology.dependencies[$0].count)
            stage.awaitsExpansion = graph.stages[$0].sizeKnownAtRunTime
            return stage
        }
        owner = Array(repeating: -1, count: graph.taskCount)
        outstanding = Array(repeating: 0, count: max(1, totalSlots))
        limit = graph.taskCount
        declaredPriority = graph.stages.map { $0.taskSpec?.priority.fixedValue ?? 0 }
        mostAtOnce = graph.stages.map { $0.taskSpec?.uses.mostAtOnce }
        for stage in graph.stages.indices where progress[stage].pendingDependencies == 0 { release(stage) }
        countExhaustedStages()
    }

    /// Whether every stage has been handed out in full, or will never run.
    package var isExhausted: Bool { exhaustedStages == graph.stages.count }

    /// Whether `stage` has been handed out in full, or will never run; once so, it stays so
    /// (the limit only falls, a stopped stage hands out nothing, a table is expanded once).
    private func isExhausted(_ stage: Int) -> Bool {
        progress[stage].isSettled || (untaken(stage) == 0 && !progress[stage].awaitsExpansion)
    }

    /// Moves `exhaustedStages` past the stages now exhausted: linear over the whole run.
    private mutating func countExhaustedStages() {
        while exhaustedStages < graph.stages.count, isExhausted(exhaustedStages) { exhaustedStages += 1 }
    }

    /// The next chunk for slot `slotOrdinal`: nil while that slot still has work, or nothing may start now.
    package mutating func next(forSlotOrdinal slotOrdinal: Int) -> Range<Int>? {
        next(forSlotOrdinal: slotOrdinal) { _ in true }
    }

    /// The next chunk from the most urgent stage whose first index `admitting` accepts (its
    /// named limits have room for this slot): a stage waiting for a limit lets the others go
    /// on. A limited fan-out stage's chunks are sized over the slots it may use at once.
    package mutating func next(forSlotOrdinal slotOrdinal: Int, admitting: (Int) -> Bool) -> Range<Int>? {
        let slot = outstanding.indices.contains(slotOrdinal) ? slotOrdinal : 0
        guard outstanding[slot] == 0, let stage = mostUrgentStage(admitting: admitting) else { return nil }
        let left = untaken(stage)
        let sharing = min(totalSlots, mostAtOnce[stage] ?? totalSlots)
        let size = graph.stages[stage].fansOut ? max(1, left / (2 * sharing)) : left
        let start = graph.offsets[stage] + progress[stage].handedOut
        if progress[stage].status == .ready {
            progress[stage].status = .running
            progress[stage].start = clock()
            runningStages += 1
            peakStages = max(peakStages, runningStages)
            if graph.stages[stage].warnAfter != nil { watched.insert(stage) }
        }
        progress[stage].handedOut += size
        if untaken(stage) == 0 { released.remove(stage) }
        if graph.stages[stage].exclusive { exclusiveStage = stage }
        for index in start..<(start + size) { owner[index] = Int32(slot) }
        outstanding[slot] += size
        inFlight += size
        peakTasks = max(peakTasks, inFlight)
        countExhaustedStages()
        return start..<(start + size)
    }

    /// Tasks from `newLimit` on are not handed out.
    package mutating func lowerLimit(to newLimit: Int) {
        limit = min(limit, max(0, newLimit))
        countExhaustedStages()
    }

    /// Counts a task's final attempt; a stage whose last task came back succeeds (releasing
    /// its dependents) or fails (skipping everything downstream).
    package mutating func finished(_ record: TaskRecord) {
        guard graph.offsets.last! > record.index, record.index >= 0 else { return }
        let (stage, local) = graph.locate(record.index)
        inFlight -= 1
        let slot = Int(owner[record.index])
        if slot >= 0, outstanding[slot] > 0 { outstanding[slot] -= 1 }
        progress[stage].finished += 1
        progress[stage].taskSeconds += record.seconds
        progress[stage].cpuSeconds += record.usage?.cpuSeconds ?? 0
        progress[stage].maxRSSBytes = max(progress[stage].maxRSSBytes, record.usage?.maxRSSBytes ?? 0)
        progress[stage].values[local] = record.value
        if record.status == .failed || record.status == .timeout { progress[stage].failures += 1 }
        prioritiesChanged()
        warnAboutLongStages()
        if progress[stage].finished == expectedTasks(stage) { complete(stage) }
        countExhaustedStages()
    }

    /// Stops the stage owning `range` (its whole range, for a stage's `stop_when:` or `race:`).
    package mutating func stopEarly(_ range: Range<Int>, winner: Int, value: TaskValue) {
        guard graph.offsets.last! > range.lowerBound, range.lowerBound >= 0 else { return }
        let (stage, _) = graph.locate(range.lowerBound)
        guard !progress[stage].isSettled, progress[stage].winner == nil else { return }
        let local = winner - graph.offsets[stage]
        progress[stage].winner = local
        if progress[stage].values.indices.contains(local) { progress[stage].values[local] = value }
        prioritiesChanged()
        if progress[stage].status != .waiting, progress[stage].finished == expectedTasks(stage) { complete(stage) }
        countExhaustedStages()
    }

    /// The effects asked for since the last call.
    package mutating func takeEffects() -> [SourceEffect] {
        defer { effects.removeAll() }
        return effects
    }

    /// Stage `stage`'s value is written (or not, `failure`): its dependents may start.
    package mutating func stageValueStored(stage: Int, failure: String?) {
        if let failure { warn("stage '\(graph.stages[stage].name)': value not written: \(failure)") }
        for dependent in graph.topology.dependents[stage] {
            progress[dependent].pendingDependencies -= 1
            if progress[dependent].pendingDependencies == 0, progress[dependent].status == .waiting { release(dependent) }
        }
        countExhaustedStages()
    }

    /// How many of `stage`'s tasks come back before it completes: all of them, or those
    /// handed out once it stopped early or was cancelled.
    private func expectedTasks(_ stage: Int) -> Int {
        progress[stage].winner == nil && !progress[stage].cancelled ? progress[stage].taskCount : progress[stage].handedOut
    }

    /// `mpibatch cancel --stage NAME`: stage `name` hands out nothing more. What it had not
    /// handed out is handed out now, for the coordinator to settle as `cancelled` (each comes
    /// back through `finished`); its dependents are skipped now; it completes as `cancelled`
    /// once every task is back. A stage that finished, was skipped or stopped early is refused.
    package mutating func cancelStage(named name: String) -> StageCancellation {
        guard let stage = graph.stages.firstIndex(where: { $0.name == name }) else {
            return .refused("no stage '\(name)' in this run" + DidYouMean.suffix(for: name, among: graph.stages.map(\.name)))
        }
        let state = progress[stage]
        if state.cancelled { return .unchanged("stage '\(name)' is already cancelled") }
        guard !state.isSettled else {
            return .refused("stage '\(name)' has already \(state.status == .skipped ? "been skipped" : state.status.rawValue): nothing to cancel")
        }
        guard state.winner == nil else { return .refused("stage '\(name)' has already stopped early: nothing to cancel") }
        let left = untaken(stage)
        let start = graph.offsets[stage]
        let notHandedOut = start + state.handedOut..<start + state.handedOut + left
        progress[stage].cancelled = true
        progress[stage].handedOut += left
        if progress[stage].awaitsExpansion {  // its table is never read: it has no task
            progress[stage].awaitsExpansion = false
            progress[stage].taskCount = 0
        }
        inFlight += left
        released.remove(stage)
        prioritiesChanged()
        let skipped = skipDownstream(of: stage)
        if progress[stage].finished == expectedTasks(stage) { complete(stage) }
        countExhaustedStages()
        return .cancelled(
            handedOut: start..<start + state.handedOut, notHandedOut: notHandedOut.isEmpty ? [] : [notHandedOut],
            skipped: skipped.sorted().map { graph.stages[$0].name })
    }

    /// A task the earlier run finished: handed out (by `ResumingSource`) and back at once,
    /// with its journaled value and no time.
    package mutating func restored(_ index: Int, value: TaskValue) {
        finished(TaskRecord(index: index, attempt: 1, status: .ok, rank: 0, slot: 0, start: 0, seconds: 0, value: value, error: nil))
    }

    /// Tasks of `stage` not handed out yet (none beyond the limit, none once it stopped early
    /// or was cancelled).
    private func untaken(_ stage: Int) -> Int {
        guard progress[stage].winner == nil, !progress[stage].cancelled else { return 0 }
        let available = min(progress[stage].taskCount, limit - graph.offsets[stage])
        return max(0, available - progress[stage].handedOut)
    }

    /// The stage to hand work from now, if any may start (skipping those `admitting` refuses).
    private mutating func mostUrgentStage(admitting: (Int) -> Bool) -> Int? {
        if let exclusive = exclusiveStage {
            return untaken(exclusive) > 0 && admitting(graph.offsets[exclusive]) ? exclusive : nil
        }
        if prioritiesAreStale, released.count > 1, changesSinceRefresh >= max(1, graph.stages.count / Self.refreshStages) {
            refreshPriorities()
        }
        var waiting: [Candidate] = []  // refused for a limit: back in the heap once a stage is chosen
        defer { for candidate in waiting { candidates.insert(candidate) } }
        while let best = candidates.min?.stage {
            guard hasWorkToHandOut(best) else {
                _ = candidates.popMin()
                released.remove(best)
                continue
            }
            if graph.stages[best].exclusive && inFlight > 0 { return nil }
            guard admitting(graph.offsets[best]) else {
                waiting.append(candidates.popMin()!)
                continue
            }
            return best
        }
        return nil
    }

    /// Whether `stage` is released and has tasks to hand out (once not, never again).
    private func hasWorkToHandOut(_ stage: Int) -> Bool {
        (progress[stage].status == .ready || progress[stage].status == .running) && untaken(stage) > 0
    }

    /// `stage` as a candidate, by its declared priority and its remaining critical path.
    private func candidate(_ stage: Int) -> Candidate {
        Candidate(declared: declaredPriority[stage], priority: priorities[stage], stage: stage)
    }

    /// Something that weighs on the priorities happened.
    private mutating func prioritiesChanged() {
        prioritiesAreStale = true
        changesSinceRefresh += 1
    }

    /// Recomputes every stage's priority (its remaining critical path) and re-sorts the released stages.
    private mutating func refreshPriorities() {
        priorities = graph.topology.remainingPath(weights: scheduledDurations())
        prioritiesAreStale = false
        changesSinceRefresh = 0
        released = released.filter(hasWorkToHandOut)
        candidates = MinHeap(released.map { candidate($0) })
    }

    /// Each stage's expected seconds from now if it had every slot: ⌈tasks left ÷ slots⌉ × seconds per task.
    private func scheduledDurations() -> [Double] {
        let known = graph.stages.indices.map { stage -> Double? in
            graph.stages[stage].estimate
                ?? (progress[stage].finished > 0 ? progress[stage].taskSeconds / Double(progress[stage].finished) : nil)
        }
        let measured = known.compactMap { $0 }
        let fallback = measured.isEmpty ? 1 : measured.reduce(0, +) / Double(measured.count)
        return graph.stages.indices.map { stage in
            let left = progress[stage].taskCount - progress[stage].finished
            let rounds = (left + totalSlots - 1) / totalSlots
            return (known[stage] ?? fallback) * Double(rounds)
        }
    }

    /// Stage `stage`'s run-time table is expanded: it has `outcome` tasks and becomes ready,
    /// or it fails (and everything downstream is skipped).
    package mutating func stageExpanded(stage: Int, outcome: Result<Int, RunTimeTableError>) {
        guard progress[stage].awaitsExpansion else { return }
        progress[stage].awaitsExpansion = false
        switch outcome {
        case .success(let count):
            progress[stage].taskCount = min(count, graph.stages[stage].taskCount)
            progress[stage].values = Array(repeating: .none, count: progress[stage].taskCount)
            release(stage)
        case .failure(let problem):
            warn("stage '\(graph.stages[stage].name)': its table could not be expanded: \(problem)")
            progress[stage].taskCount = 0  // no task of it was made: none is "not run"; the stage failed
            progress[stage].start = clock()
            progress[stage].failures = 1
            complete(stage)
        }
        countExhaustedStages()
    }

    /// Reserved indices of expanded stages beyond their rows: they never run.
    package var reservedButUnused: Int {
        graph.stages.indices.reduce(0) { total, stage in
            total + (progress[stage].awaitsExpansion ? 0 : graph.stages[stage].taskCount - progress[stage].taskCount)
        }
    }

    /// Makes `stage` ready (a stage whose size is known at run time is expanded first); one
    /// with no tasks completes at once.
    private mutating func release(_ stage: Int) {
        if progress[stage].awaitsExpansion {
            effects.append(.expandStage(stage: stage))
            return
        }
        progress[stage].status = .ready
        prioritiesChanged()
        if priorities.isEmpty { refreshPriorities() }
        released.insert(stage)
        candidates.insert(candidate(stage))
        if expectedTasks(stage) == 0 {
            progress[stage].start = clock()
            complete(stage)
        }
    }

    private mutating func complete(_ stage: Int) {
        progress[stage].end = clock()
        if exclusiveStage == stage { exclusiveStage = nil }
        if progress[stage].status == .running { runningStages -= 1 }
        watched.remove(stage)
        released.remove(stage)
        if progress[stage].cancelled {
            progress[stage].status = .cancelled  // its dependents were skipped when it was cancelled
            progress[stage].values = []
            return
        }
        guard progress[stage].failures == 0 || progress[stage].winner != nil else {
            progress[stage].status = .failed
            skipDownstream(of: stage)
            return
        }
        progress[stage].status = .succeeded
        let bytes = StageValues.encode(progress[stage].values, of: graph.stages[stage], winner: progress[stage].winner)
        effects.append(.storeStageValue(stage: stage, name: graph.stages[stage].name, bytes: bytes))
        progress[stage].values = []
    }

    /// Marks every stage downstream of the failed or cancelled `stage` skipped, and returns
    /// them. A skipped stage's own downstream was skipped with it, so each stage is walked
    /// once over the whole run.
    @discardableResult
    private mutating func skipDownstream(of stage: Int) -> [Int] {
        var skipped: [Int] = []
        var stack = graph.topology.dependents[stage]
        while let downstream = stack.popLast() {
            guard !progress[downstream].isSettled else { continue }
            progress[downstream].status = .skipped
            progress[downstream].skippedAfterCancel = progress[stage].cancelled
            skipped.append(downstream)
            stack += graph.topology.dependents[downstream]
        }
        return skipped
    }

    /// Warns, once per stage, about running stages past their `warn_after:`.
    private mutating func warnAboutLongStages() {
        let now = clock()
        for stage in watched {
            guard let limit = graph.stages[stage].warnAfter, let start = progress[stage].start,
                Double(now &- start) * 1e-9 > limit
            else { continue }
            progress[stage].warned = true
            watched.remove(stage)
            warn("stage '\(graph.stages[stage].name)' has run \(NumberText.fixed(Double(now &- start) * 1e-9)) s, past its warn_after of \(NumberText.fixed(limit)) s")
        }
    }

    private mutating func warn(_ message: String) {
        warnings.append(message)
        effects.append(.warn(message))
    }
}
