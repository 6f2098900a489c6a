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
struct StageGraphSource: WorkSource {
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
    /// Most tasks in flight at once, and most stages running at once.
    private(set) var peakTasks = 0
    /// See `peakTasks`.
    private(set) var peakStages = 0
    /// Warnings given during the run (`warn_after:` exceeded, a value not written).
    private(set) var warnings: [String] = []
    private(set) var limit: Int
    /// Side effects asked for and not yet taken by the driver.
    private var effects: [SourceEffect] = []

    /// A source over `graph` for `totalSlots` slots.
    init(graph: StageGraph, totalSlots: Int, clock: @escaping () -> UInt64 = MonotonicClock.nanoseconds) {
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
        for stage in graph.stages.indices where progress[stage].pendingDependencies == 0 { release(stage) }
    }

    /// Whether every stage has been handed out in full, or will never run.
    var isExhausted: Bool {
        graph.stages.indices.allSatisfy { progress[$0].isSettled || (untaken($0) == 0 && !progress[$0].awaitsExpansion) }
    }

    /// The next chunk for slot `slotOrdinal`: nil while that slot still has work, or nothing may start now.
    mutating func next(forSlotOrdinal slotOrdinal: Int) -> Range<Int>? {
        let slot = outstanding.indices.contains(slotOrdinal) ? slotOrdinal : 0
        guard outstanding[slot] == 0, let stage = mostUrgentStage() else { return nil }
        let left = untaken(stage)
        let size = graph.stages[stage].fansOut ? max(1, left / (2 * totalSlots)) : left
        let start = graph.offsets[stage] + progress[stage].handedOut
        if progress[stage].status == .ready {
            progress[stage].status = .running
            progress[stage].start = clock()
            peakStages = max(peakStages, progress.filter { $0.status == .running }.count)
        }
        progress[stage].handedOut += size
        if graph.stages[stage].exclusive { exclusiveStage = stage }
        for index in start..<(start + size) { owner[index] = Int32(slot) }
        outstanding[slot] += size
        inFlight += size
        peakTasks = max(peakTasks, inFlight)
        return start..<(start + size)
    }

    /// Tasks from `newLimit` on are not handed out.
    mutating func lowerLimit(to newLimit: Int) { limit = min(limit, max(0, newLimit)) }

    /// Counts a task's final attempt; a stage whose last task came back succeeds (releasing
    /// its dependents) or fails (skipping everything downstream).
    mutating func finished(_ record: TaskRecord) {
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
        prioritiesAreStale = true
        warnAboutLongStages()
        if progress[stage].finished == expectedTasks(stage) { complete(stage) }
    }

    /// Stops the stage owning `range` (its whole range, for a stage's `stop_when:` or `race:`).
    mutating func stopEarly(_ range: Range<Int>, winner: Int, value: TaskValue) {
        guard graph.offsets.last! > range.lowerBound, range.lowerBound >= 0 else { return }
        let (stage, _) = graph.locate(range.lowerBound)
        guard !progress[stage].isSettled, progress[stage].winner == nil else { return }
        let local = winner - graph.offsets[stage]
        progress[stage].winner = local
        if progress[stage].values.indices.contains(local) { progress[stage].values[local] = value }
        prioritiesAreStale = true
        if progress[stage].status != .waiting, progress[stage].finished == expectedTasks(stage) { complete(stage) }
    }

    /// The effects asked for since the last call.
    mutating func takeEffects() -> [SourceEffect] {
        defer { effects.removeAll() }
        return effects
    }

    /// Stage `stage`'s value is written (or not, `failure`): its dependents may start.
    mutating func stageValueStored(stage: Int, failure: String?) {
        if let failure { warn("stage '\(graph.stages[stage].name)': value not written: \(failure)") }
        for dependent in graph.topology.dependents[stage] {
            progress[dependent].pendingDependencies -= 1
            if progress[dependent].pendingDependencies == 0, progress[dependent].status == .waiting { release(dependent) }
        }
    }

    /// How many of `stage`'s tasks come back before it completes: all of them, or those
    /// handed out once it stopped early.
    private func expectedTasks(_ stage: Int) -> Int {
        progress[stage].winner == nil ? progress[stage].taskCount : progress[stage].handedOut
    }

    /// A task the earlier run finished: handed out (by `ResumingSource`) and back at once,
    /// with its journaled value and no time.
    mutating func restored(_ index: Int, value: TaskValue) {
        finished(TaskRecord(index: index, attempt: 1, status: .ok, rank: 0, slot: 0, start: 0, seconds: 0, value: value, error: nil))
    }

    /// Tasks of `stage` not handed out yet (none beyond the limit, none once it stopped early).
    private func untaken(_ stage: Int) -> Int {
        guard progress[stage].winner == nil else { return 0 }
        let available = min(progress[stage].taskCount, limit - graph.offsets[stage])
        return max(0, available - progress[stage].handedOut)
    }

    /// The stage to hand work from now, if any may start.
    private mutating func mostUrgentStage() -> Int? {
        if let exclusive = exclusiveStage { return untaken(exclusive) > 0 ? exclusive : nil }
        if prioritiesAreStale {
            priorities = graph.topology.remainingPath(weights: scheduledDurations())
            prioritiesAreStale = false
        }
        let candidates = graph.stages.indices.filter {
            (progress[$0].status == .ready || progress[$0].status == .running) && untaken($0) > 0
        }
        guard let best = candidates.max(by: { priorities[$0] < priorities[$1] || (priorities[$0] == priorities[$1] && $0 > $1) })
        else { return nil }
        return graph.stages[best].exclusive && inFlight > 0 ? nil : best
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
    mutating func stageExpanded(stage: Int, outcome: Result<Int, RunTimeTableError>) {
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
    }

    /// Reserved indices of expanded stages beyond their rows: they never run.
    var reservedButUnused: Int {
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
        prioritiesAreStale = true
        if expectedTasks(stage) == 0 {
            progress[stage].start = clock()
            complete(stage)
        }
    }

    private mutating func complete(_ stage: Int) {
        progress[stage].end = clock()
        if exclusiveStage == stage { exclusiveStage = nil }
        guard progress[stage].failures == 0 || progress[stage].winner != nil else {
            progress[stage].status = .failed
            for downstream in graph.topology.descendants(of: stage) where !progress[downstream].isSettled {
                progress[downstream].status = .skipped
            }
            return
        }
        progress[stage].status = .succeeded
        let bytes = StageValues.encode(progress[stage].values, of: graph.stages[stage], winner: progress[stage].winner)
        effects.append(.storeStageValue(stage: stage, name: graph.stages[stage].name, bytes: bytes))
        progress[stage].values = []
    }

    /// Warns, once per stage, about running stages past their `warn_after:`.
    private mutating func warnAboutLongStages() {
        let now = clock()
        for stage in graph.stages.indices where progress[stage].status == .running && !progress[stage].warned {
            guard let limit = graph.stages[stage].warnAfter, let start = progress[stage].start,
                Double(now &- start) * 1e-9 > limit
            else { continue }
            progress[stage].warned = true
            warn("stage '\(graph.stages[stage].name)' has run \(NumberText.fixed(Double(now &- start) * 1e-9)) s, past its warn_after of \(NumberText.fixed(limit)) s")
        }
    }

    private mutating func warn(_ message: String) {
        warnings.append(message)
        effects.append(.warn(message))
    }
}
