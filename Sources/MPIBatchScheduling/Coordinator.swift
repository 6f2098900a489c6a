import MPIBatchCore
import MPIBatchJob

/// What the coordinator asks the code around it to do.
package enum CoordinatorAction: Equatable {
    /// Send a message to a rank (rank 0 included).
    case send(RuntimeMessage, to: Int)
    /// Journal these finished attempts and count them in the statistics.
    case record([TaskRecord])
    /// Count these finished attempts in the statistics: their node's writer journaled them.
    case tally([TaskRecord])
    /// Count these successes in the statistics: their node's writer journaled them and sent
    /// only their count and sums (`RuntimeMessage.finished`).
    case tallySucceeded(SucceededRun)
    /// Every rank has reported `done`: the run is over.
    case finished
    /// A side effect the work source asked for (write a stage value, warn), to carry out
    /// off the communication thread.
    case effect(SourceEffect)
    /// An early stop happened: record it, so that a resume runs nothing more of its scope.
    case recordEarlyStop(EarlyStop)
}

/// Rank 0's scheduler as a pure state machine: messages in, actions out.
/// It hands out chunks on demand, queues retries, applies fail-fast, and runs
/// the stop protocol (stop → every rank drains and says done → finished).
package struct Coordinator {
    private let retries: @Sendable (Int) -> Int
    private let failFast: Bool
    private let graceSeconds: Double
    private let deadline: Double?
    private let clock: () -> Double
    private var finishedTasks = 0
    private var finishedSeconds = 0.0
    /// Succeeded indices a reducer has seen, so that a lowered limit can uncount those above it.
    private var reducedSuccesses = Set<Int>()
    private let ordinalBase: [Int]
    /// The rank of each slot (by global ordinal).
    private let rankOfOrdinal: [Int]
    /// Rank 0's reducer of task values, if the workload has one.
    package let reducer: (any ResultReducer)?
    private var source: any WorkSource
    /// Chunks served before fresh work: retries and the parts of chunks cut short by the deadline.
    private var retryQueue: [Chunk] = []
    private var retryHead = 0
    private var parked: ParkedRequests
    private var inFlight = 0
    /// Tasks handed to each slot (by global ordinal) and not yet reported.
    private var inHand: [Int]
    /// Failed attempts per task of a resumed run's earlier parts (their tasks come one at a time).
    private var earlierFailures: [Int: Int] = [:]
    /// The chunks each slot (by global ordinal) holds, in the order it runs them; the
    /// first one trimmed to its unreported part. What a lost rank took with it.
    private var held: [HeldChunks]
    /// When each slot (by global ordinal) began its current task, on `clock`, for the status.
    private var busySince: [Double]
    private var phase = CoordinatorPhase.running
    /// What each rank reported when it said `done`, until the run finishes (then the phase
    /// holds the reports): a rank may say it before any stop, having seen the launcher end.
    private var ranksDone: [RankReport?]
    /// `stop_when:` and `race:` of the workload's sweeps and stages.
    package private(set) var earlyStops: EarlyStops
    /// What task `index` uses of the job's named limits; nil when no task uses any (no leases kept).
    private let limitUses: (@Sendable (Int) -> LimitUses)?
    /// The units of named limits each slot holds (`LimitLeases`).
    package private(set) var leases = LimitLeases()
    /// Whether each assignment is numbered (`Chunk.sequence`): a part whose journal is sharded.
    private let numbersDispatches: Bool
    /// Assignments numbered so far in this part: the last one's sequence number, which a record
    /// the coordinator journals itself (a task cancelled before it was handed out) also takes.
    package private(set) var dispatches = 0

    /// Attempts that succeeded.
    package private(set) var succeeded = 0
    /// Tasks that failed on their last allowed attempt.
    package private(set) var failed = 0
    /// Tasks cancelled (an early stop, `mpibatch cancel`; started or not).
    package private(set) var cancelled = 0
    /// Tasks cancelled by `mpibatch cancel`, earlier parts' included.
    package private(set) var cancelledByUser = 0
    /// Tasks `mpibatch cancel` asked for (their records say so, and a second request is told).
    private var cancelRequested = Set<Int>()
    /// Of those, the ones no slot held then: settled when the source hands them out.
    private var cancelAhead = Set<Int>()
    /// Tasks an earlier part journaled `cancelled` (a resumed run without `--retry-cancelled`):
    /// skipped, and counted, when the source hands them out.
    private var cancelledEarlier = IndexRanges()
    /// What cancelling an earlier part's cancelled stages asked for, for `start` to hand on.
    private var restoredCancelActions: [CoordinatorAction] = []
    /// Why the run stopped early, if it did.
    package var stopReason: String? { phase.stop?.reason }
    /// Whether a signal or the deadline stopped the run (exit status 3: resumable).
    package var interrupted: Bool { phase.stop?.interrupted ?? false }
    /// Messages the protocol rules out that came all the same (`impossible_messages`).
    package var impossibleMessages = ImpossibleMessages()
    /// What each rank reported when it finished.
    package var rankReports: [RankReport?] {
        if case .finished(_, let reports) = phase { reports } else { ranksDone }
    }
    /// The node each rank said it runs on (from its heartbeats, or its node's: `RankHosts`).
    package private(set) var hosts: RankHosts
    /// Ranks that stopped answering and were given up on.
    package var unresponsive: [Int] { phase.stop?.unresponsive ?? [] }
    /// Whether a whole node went silent (every rank of it given up on had stopped answering,
    /// or its host is unknown): a lost node, not a hung process on a live one.
    package var lostSilentNode: Bool { phase.stop?.lostSilentNode ?? false }
    /// Whether `rank` has said it is done (or was given up on).
    package func isDone(rank: Int) -> Bool { phase.isFinished || ranksDone[rank] != nil }
    /// Whether every rank has finished.
    package var isFinished: Bool { phase.isFinished }
    /// The task count in force (lower than the workload's when a precision target was met).
    package var taskLimit: Int { source.limit }
    /// The source of work, for its summary fields.
    package var workSource: any WorkSource { source }

    /// A coordinator over a flat index range of `taskCount` tasks under `policy`, each allowed `retries`.
    init(
        taskCount: Int, retries: Int, failFast: Bool, policy: ChunkPolicy, slotsPerRank: [Int],
        reducer: (any ResultReducer)?
    ) {
        self.init(
            source: IndexDispenser(policy: policy, taskCount: taskCount, totalSlots: slotsPerRank.reduce(0, +)),
            retries: { _ in retries }, failFast: failFast, slotsPerRank: slotsPerRank, reducer: reducer)
    }

    /// A coordinator handing out `source`'s work.
    ///
    /// - Parameter deadline: a time on `clock` after which no task starts that would not finish by then.
    /// - Parameter retries: how many retries task `index` is allowed.
    /// - Parameter numbersDispatches: number each assignment from 1 (`Chunk.sequence`), for a
    ///   part whose journal is sharded; a part journaled in `results.jsonl` alone needs none.
    package init(
        source: any WorkSource, retries: @escaping @Sendable (Int) -> Int, failFast: Bool, slotsPerRank: [Int], reducer: (any ResultReducer)?,
        graceSeconds: Double = 30, deadline: Double? = nil, clock: @escaping () -> Double = MonotonicClock.seconds,
        stopRules: [StopRule] = [], limitUses: (@Sendable (Int) -> LimitUses)? = nil, numbersDispatches: Bool = false
    ) {
        self.retries = retries
        self.numbersDispatches = numbersDispatches
        self.limitUses = limitUses
        earlyStops = EarlyStops(rules: stopRules)
        self.failFast = failFast
        self.graceSeconds = graceSeconds
        self.deadline = deadline
        self.clock = clock
        self.reducer = reducer
        var bases: [Int] = []
        var ranks: [Int] = []
        var total = 0
        for (rank, slots) in slotsPerRank.enumerated() {
            bases.append(total)
            ranks += repeatElement(rank, count: slots)
            total += slots
        }
        ordinalBase = bases
        rankOfOrdinal = ranks
        parked = ParkedRequests(slots: total)
        inHand = Array(repeating: 0, count: total)
        held = Array(repeating: HeldChunks(), count: total)
        busySince = Array(repeating: 0, count: total)
        self.source = source
        ranksDone = Array(repeating: nil, count: slotsPerRank.count)
        hosts = RankHosts(ranks: slotsPerRank.count)
    }

    /// Places the ranks on their nodes (`nodeOfRank[r]`: rank r's node, as agreed at the start),
    /// so that a host heard for one rank of a node names its every rank (`RankHosts`).
    package mutating func placeRanks(nodeOfRank: [Int]) {
        hosts.place(nodeOfRank: nodeOfRank)
    }

    /// The slots running a task now, in slot order: the status's `running` list.
    package func busySlots() -> [BusySlot] {
        held.indices.compactMap { ordinal in
            guard let index = held[ordinal].current else { return nil }
            let rank = rankOfOrdinal[ordinal]
            return BusySlot(index: index, rank: rank, slot: ordinal - ordinalBase[rank], since: busySince[ordinal])
        }
    }

    /// Whether the run has begun to stop (a stop request, a signal, the end of the work).
    package var isStopping: Bool { !phase.isRunning }

    /// Carries on from an earlier run: its successes count and their values feed the
    /// reducer. Its failed tasks come from the (resumed) source each on its own, where the
    /// source puts them, and run at the attempt after their last.
    package mutating func resume(from earlier: ResumedWork) {
        succeeded = earlier.succeeded.count
        earlierFailures = earlier.failedAttempts
        cancelledEarlier = earlier.cancelled
        for stage in earlier.cancelledStages {
            let (actions, _, _) = cancelStage(stage)
            restoredCancelActions += actions
        }
        let values = earlier.values.isEmpty ? [:] : Dictionary(earlier.values.map { ($0.index, $0.value) }, uniquingKeysWith: { $1 })
        for stop in earlier.earlyStops {
            let successes = earlyStops.rules.first { $0.scope == stop.scope }.map { earlier.succeeded.count(in: $0.range) } ?? 0
            guard let rule = earlyStops.restore(scope: stop.scope, index: stop.index, successes: successes) else { continue }
            source.stopEarly(earlyStops.rules[rule].range, winner: stop.index, value: values[stop.index] ?? .none)
        }
        guard let reducer else { return }
        for (index, value) in earlier.values {
            reducedSuccesses.insert(index)
            if let newLimit = reducer.accept(index: index, value: value) { lowerLimit(to: newLimit) }
        }
    }

    /// The limit falls (a precision target met): tasks at or above it no longer count.
    private mutating func lowerLimit(to newLimit: Int) {
        source.lowerLimit(to: newLimit)
        let above = reducedSuccesses.filter { $0 >= source.limit }
        succeeded -= above.count
        reducedSuccesses.subtract(above)
    }

    /// Actions to take before any message arrives (an empty workload stops at once; a resumed
    /// run's cancelled stages journal the tasks they had left).
    package mutating func start() -> [CoordinatorAction] {
        var actions = restoredCancelActions
        restoredCancelActions = []
        collectEffects(&actions)
        stopIfComplete(&actions)
        return actions
    }

    /// The driver wrote stage `stage`'s value (or could not, `failure`): its dependents may start.
    package mutating func stageValueStored(_ stage: Int, failure: String?) -> [CoordinatorAction] {
        afterSourceEffect { $0.stageValueStored(stage: stage, failure: failure) }
    }

    /// The driver expanded stage `stage`'s run-time table: it has `outcome` tasks, or it fails.
    package mutating func stageExpanded(_ stage: Int, outcome: Result<Int, RunTimeTableError>) -> [CoordinatorAction] {
        afterSourceEffect { $0.stageExpanded(stage: stage, outcome: outcome) }
    }

    /// Tells the source that one of its effects was carried out, then serves what it released.
    private mutating func afterSourceEffect(_ tell: (inout any WorkSource) -> Void) -> [CoordinatorAction] {
        var actions: [CoordinatorAction] = []
        tell(&source)
        serveParked(&actions)
        collectEffects(&actions)
        stopIfComplete(&actions)
        return actions
    }

    /// Turns what the source asked for into actions.
    private mutating func collectEffects(_ actions: inout [CoordinatorAction]) {
        for effect in source.takeEffects() { actions.append(.effect(effect)) }
    }

    /// Reacts to one message from `rank` (a node writer's, `relayed`, as its rank's own; its
    /// `finished`, as its ranks' results).
    package mutating func handle(_ message: RuntimeMessage, from rank: Int) -> [CoordinatorAction] {
        switch message {
        case .relayed(let origin, let relayed):
            guard origin < ranksDone.count else {
                var actions: [CoordinatorAction] = []
                impossible(.noSuchRank, from: rank, "a message relayed from rank \(origin) of \(ranksDone.count)", into: &actions)
                return actions
            }
            return handle(relayed, from: origin, journaled: true)
        case .finished(let outcomes):
            return take(outcomes, from: rank)
        default:
            return handle(message, from: rank, journaled: false)
        }
    }

    /// Takes what node writer `writer` says its node's slots finished (`RuntimeMessage.finished`,
    /// journaled there): per slot, its counted successes, then its attempts one by one, then its
    /// request for one more chunk.
    private mutating func take(_ outcomes: [SlotOutcome], from writer: Int) -> [CoordinatorAction] {
        var actions: [CoordinatorAction] = []
        for outcome in outcomes {
            guard outcome.rank < ranksDone.count else {
                impossible(.noSuchRank, from: writer, "an outcome of rank \(outcome.rank) of \(ranksDone.count)", into: &actions)
                continue
            }
            guard !phase.gaveUp(on: outcome.rank), admits(outcome.slot, from: outcome.rank, into: &actions) else { continue }
            if outcome.succeeded.count > 0 { take(outcome.succeeded, into: &actions) }
            if !outcome.records.isEmpty { take(outcome.records, journaled: true, into: &actions) }
            if outcome.wantsMore { serve(rank: outcome.rank, slot: outcome.slot, chunks: 1, into: &actions) }
        }
        collectEffects(&actions)
        stopIfComplete(&actions)
        return actions
    }

    /// Reacts to one message from `rank`; `journaled`: its results' node writer journaled them.
    private mutating func handle(_ message: RuntimeMessage, from rank: Int, journaled: Bool) -> [CoordinatorAction] {
        var actions: [CoordinatorAction] = []
        // A rank given up on that speaks again (it was stopped, not dead): its tasks are already
        // recorded interrupted, and the run is ending without it.
        guard !phase.gaveUp(on: rank) else { return actions }
        switch message {
        case .request(let slot, let chunks):
            guard admits(slot, from: rank, into: &actions) else { return actions }
            serve(rank: rank, slot: slot, chunks: chunks, into: &actions)
        case .results(let slot, let records, let wantsMore):
            guard admits(slot, from: rank, into: &actions) else { return actions }
            take(records, journaled: journaled, into: &actions)
            if wantsMore { serve(rank: rank, slot: slot, chunks: 1, into: &actions) }
        case .interrupt(let reason):
            beginStopping(reason: reason, interrupted: true, into: &actions)
        case .heartbeat(let host):
            hosts.learn(host, of: rank)  // also after `done`: the rank's heartbeat thread stops after it
        case .heartbeats(let host, let ranks):
            for beating in ranks {
                guard beating < hosts.count else {
                    impossible(.noSuchRank, from: rank, "a heartbeat of rank \(beating) of \(hosts.count)", into: &actions)
                    continue
                }
                hosts.learn(host, of: beating)
            }
        case .done(let report):
            guard !isDone(rank: rank) else {
                impossible(.afterDone, from: rank, "a second done", into: &actions)
                return actions
            }
            ranksDone[rank] = report
            finishIfAllDone(&actions)
        case .abort(let reason):
            beginStopping(reason: reason, graceSeconds: 0, into: &actions)
        case .assign, .stop, .cancel, .heard:
            impossible(.workerBound, from: rank, "\(message)", into: &actions)
            return actions
        case .relayed, .finished:
            impossible(.noSuchRank, from: rank, "a node writer's message relayed", into: &actions)
            return actions
        }
        collectEffects(&actions)
        stopIfComplete(&actions)
        return actions
    }

    /// Whether `rank` may send a message for `slot`: it has not said `done` (nothing comes
    /// after it), and it has that slot. An impossible one is noted (`impossible`).
    private mutating func admits(_ slot: Int, from rank: Int, into actions: inout [CoordinatorAction]) -> Bool {
        if isDone(rank: rank) {
            impossible(.afterDone, from: rank, "slot \(slot)'s request or results", into: &actions)
            return false
        }
        guard slot >= 0, slot < slotCount(of: rank) else {
            impossible(.noSuchSlot, from: rank, "slot \(slot) of \(slotCount(of: rank))", into: &actions)
            return false
        }
        return true
    }

    /// Counts a message the protocol rules out (it traps in a debug build) and warns about
    /// the first of its kind.
    private mutating func impossible(
        _ kind: ImpossibleMessages.Kind, from rank: Int, _ detail: String, into actions: inout [CoordinatorAction]
    ) {
        if let warning = impossibleMessages.note(kind, from: rank, detail) { actions.append(.effect(.warn(warning))) }
    }

    /// How many slots `rank` has.
    private func slotCount(of rank: Int) -> Int {
        (rank + 1 < ordinalBase.count ? ordinalBase[rank + 1] : inHand.count) - ordinalBase[rank]
    }

    /// Gives up on `ranks`, silent for `seconds`, and on every other rank of their
    /// nodes (a node is a unit of failure: what silences one rank silences its
    /// neighbours, and a message to a dead peer can hang the sender). Their
    /// in-flight tasks are recorded `interrupted` (a resume reruns them), nothing
    /// more is sent to them, the others drain for at most `lossGraceSeconds`, and
    /// the run ends rather than hang.
    package mutating func abandon(ranks: [Int], silentFor seconds: Double) -> [CoordinatorAction] {
        var actions: [CoordinatorAction] = []
        guard !phase.isFinished else { return actions }
        // Rank 0 runs this coordinator, so its node is alive: a silent rank beside it is lost alone.
        let lostHosts = Set(ranks.compactMap { hosts[$0] }).subtracting([hosts[0]].compactMap { $0 })
        let lost = ranksDone.indices.filter { rank in
            rank != 0 && ranksDone[rank] == nil && (ranks.contains(rank) || hosts[rank].map(lostHosts.contains) == true)
        }
        guard !lost.isEmpty else { return actions }
        // Rank 0's node, and a node with a rank that still answers, are alive: a process there hung.
        let answeringHosts = Set(lost.filter { !ranks.contains($0) }.compactMap { hosts[$0] } + [hosts[0]].compactMap { $0 })
        let silentNode = lost.contains { hosts[$0].map { !answeringHosts.contains($0) } ?? true }
        var interrupted: [TaskRecord] = []
        for rank in lost {
            let host = hosts[rank] ?? "unknown host"
            ranksDone[rank] = RankReport(host: host, cpuSeconds: 0)
            interrupted += takeHeld(byRank: rank, reason: "rank \(rank) on \(host) stopped answering")
        }
        let names = lost.map { "\($0) (\(hosts[$0] ?? "unknown host"))" }.joined(separator: ", ")
        let reason = "rank\(lost.count > 1 ? "s" : "") \(names) stopped answering for \(Int(seconds)) s"
        if case .stopping(var stop) = phase {
            stop.reason = [stop.reason, reason].compactMap { $0 }.joined(separator: "; ")
            stop.unresponsive += lost
            stop.lostSilentNode = stop.lostSilentNode || silentNode
            phase = .stopping(stop)
        } else {
            let loss = CoordinatorStop(reason: reason, interrupted: false, unresponsive: lost, lostSilentNode: silentNode)
            beginStopping(loss, graceSeconds: min(graceSeconds, Self.lossGraceSeconds), into: &actions)
        }
        if !interrupted.isEmpty { actions.insert(.record(interrupted), at: 0) }
        finishIfAllDone(&actions)
        return actions
    }

    /// Why a run stops at its deadline (`--deadline`, or the Slurm job's end).
    package static let deadlineStopReason = "deadline: no time left for another task"

    /// How long the surviving ranks' running tasks may go on after a rank is lost:
    /// short, so that the launch ends soon after the loss (they are rerun on resume).
    static let lossGraceSeconds = 1.0

    /// The tasks `rank`'s slots hold, as `interrupted` records, and forgets them.
    private mutating func takeHeld(byRank rank: Int, reason: String) -> [TaskRecord] {
        var records: [TaskRecord] = []
        for slot in 0..<slotCount(of: rank) {
            let ordinal = ordinalBase[rank] + slot
            for chunk in held[ordinal].takeAll() {
                for index in chunk.start..<chunk.end where index < source.limit {
                    var record = TaskRecord(
                        index: index, attempt: chunk.attempt, status: .interrupted, rank: rank, slot: slot,
                        start: 0, seconds: 0, value: .none, error: reason)
                    record.sequence = chunk.sequence
                    records.append(record)
                }
                inFlight -= chunk.count
            }
            inHand[ordinal] = 0
            leases.release(slot: ordinal)
            parked.drop(ordinal)
        }
        return records
    }

    private mutating func finishIfAllDone(_ actions: inout [CoordinatorAction]) {
        guard case .stopping(let stop) = phase else { return }
        var reports: [RankReport] = []
        reports.reserveCapacity(ranksDone.count)
        for report in ranksDone {
            guard let report else { return }
            reports.append(report)
        }
        phase = .finished(stop, reports: reports)
        ranksDone = []
        actions.append(.finished)
    }

    /// Stops handing out work (a signal, `mpibatch stop`): every rank drains and reports; the
    /// run ends resumable. With `graceSeconds` (`stop --now`: 0) running tasks are cancelled
    /// after it, as `interrupted`, also when the run is already stopping.
    package mutating func interrupt(reason: String, graceSeconds: Double? = nil) -> [CoordinatorAction] {
        var actions: [CoordinatorAction] = []
        if case .stopping(let stop) = phase, let graceSeconds {
            for rank in ranksDone.indices where ranksDone[rank] == nil && !stop.unresponsive.contains(rank) {
                actions.append(.send(.stop(graceSeconds: graceSeconds), to: rank))
            }
        }
        beginStopping(reason: "interrupted: \(reason)", interrupted: true, graceSeconds: graceSeconds, into: &actions)
        return actions
    }

    /// Stops at once, running tasks cancelled without grace: the run cannot go on (its
    /// journal can no longer be written, say). The run ends failed, not resumable as is.
    package mutating func abort(reason: String) -> [CoordinatorAction] {
        var actions: [CoordinatorAction] = []
        beginStopping(reason: reason, graceSeconds: 0, into: &actions)
        return actions
    }

    /// Takes finished attempts; `journaled`: their node's writer journaled them (only what the
    /// coordinator settles itself meanwhile, an early stop's queued retries, is journaled here).
    private mutating func take(_ records: [TaskRecord], journaled: Bool, into actions: inout [CoordinatorAction]) {
        var kept: [TaskRecord] = []
        kept.reserveCapacity(records.count)
        var settled: [TaskRecord] = []
        let now = clock()  // one message's records arrive together: one clock read, not one per task
        for record in records {
            let ordinal = ordinalBase[record.rank] + record.slot
            guard inHand[ordinal] > 0 else {
                impossible(.notHeld, from: record.rank, "task \(record.index) on slot \(record.slot)", into: &actions)
                continue
            }
            inFlight -= 1
            inHand[ordinal] -= 1
            if inHand[ordinal] == 0 {
                parked.becameIdle(ordinal)
                if limitUses != nil { leases.release(slot: ordinal) }
            }
            if failFast, record.failsForGood(retries: retries(record.index)) {
                // Even past a lowered limit: the failing rank has already stopped starting tasks.
                beginStopping(reason: "fail-fast: task \(record.index) \(record.status)", into: &actions)
            }
            held[ordinal].reported(record.index)
            busySince[ordinal] = now
            guard record.index < source.limit else { continue }
            kept.append(record)
            finishedTasks += 1
            finishedSeconds += record.seconds
            switch record.status {
            case .ok:
                succeeded += 1
                source.finished(record)
                if let reducer {
                    reducedSuccesses.insert(record.index)
                    if let newLimit = reducer.accept(index: record.index, value: record.value) { lowerLimit(to: newLimit) }
                }
            case .failed, .timeout:
                if record.attempt <= retries(record.index), !earlyStops.isStopped(record.index), !cancelRequested.contains(record.index) {
                    queueRetry(Chunk(start: record.index, end: record.index + 1, attempt: record.attempt + 1))
                    continue
                }
                failed += 1
                source.finished(record)
            case .cancelled:
                cancelled += 1
                if cancelRequested.contains(record.index) { cancelledByUser += 1 }  // its rank journals it so (`cancel`'s `byUser`)
                source.finished(record)
            case .interrupted:
                continue  // only a stopping run interrupts tasks; --resume runs them again at the same attempt
            }
            if !earlyStops.isEmpty, let rule = earlyStops.count(record) {
                let dropped = stopEarly(rule, by: record, into: &actions)
                if journaled { settled += dropped } else { kept += dropped }
            }
        }
        if !settled.isEmpty { actions.insert(.record(settled), at: 0) }
        if !kept.isEmpty { actions.insert(journaled ? .tally(kept) : .record(kept), at: 0) }
        serveParked(&actions)
    }

    /// Takes `run`, successes its slot reported counted (its node's writer journaled them): a
    /// slot runs its chunks in order, so they are the next `run.count` tasks it held, up to
    /// `run.lastIndex`. Nothing is kept per task.
    private mutating func take(_ run: SucceededRun, into actions: inout [CoordinatorAction]) {
        let ordinal = ordinalBase[run.rank] + run.slot
        guard inHand[ordinal] >= run.count else {
            impossible(.notHeld, from: run.rank, "\(run.count) tasks up to \(run.lastIndex) on slot \(run.slot)", into: &actions)
            return
        }
        inFlight -= run.count
        inHand[ordinal] -= run.count
        if inHand[ordinal] == 0 {
            parked.becameIdle(ordinal)
            if limitUses != nil { leases.release(slot: ordinal) }
        }
        held[ordinal].reported(run.lastIndex)
        busySince[ordinal] = clock()
        finishedTasks += run.count
        finishedSeconds += run.seconds
        succeeded += run.count
        source.finished(succeeded: run.count, seconds: run.seconds)
        actions.insert(.tallySucceeded(run), at: 0)
        serveParked(&actions)
    }

    /// Rule `rule`'s condition held for `record`: nothing more of its range starts; what is
    /// queued for a retry there is cancelled now (returned, to journal), and every rank
    /// cancels what it runs or holds there (those come back `cancelled`).
    private mutating func stopEarly(_ rule: Int, by record: TaskRecord, into actions: inout [CoordinatorAction]) -> [TaskRecord] {
        let range = earlyStops.rules[rule].range
        source.stopEarly(range, winner: record.index, value: record.value)
        let dropped = dropQueued(in: range)
        for record in dropped {
            cancelled += 1
            _ = earlyStops.count(record)
            source.finished(record)
        }
        if let stop = earlyStops.met[rule] { actions.append(.recordEarlyStop(stop)) }
        guard phase.isRunning else { return dropped }
        for rank in ranksDone.indices where ranksDone[rank] == nil {  // none is given up on while running
            actions.append(.send(.cancel(range, byUser: false), to: rank))
        }
        return dropped
    }

    /// Takes the tasks in `range` out of the queue of retries (and of chunks held back or cut
    /// short): each as a `cancelled` record at its queued attempt, to settle.
    private mutating func dropQueued(in range: Range<Int>) -> [TaskRecord] {
        var dropped: [TaskRecord] = []
        var queued: [Chunk] = []
        for chunk in retryQueue[retryHead...] {
            dropped += (chunk.start..<chunk.end).clamped(to: range).map { TaskRecord.cancelled($0, attempt: chunk.attempt, sequence: dispatches) }
            for piece in (chunk.start..<chunk.end).cutting(range) {
                queued.append(Chunk(start: piece.lowerBound, end: piece.upperBound, attempt: chunk.attempt))
            }
        }
        retryQueue = queued
        retryHead = 0
        return dropped
    }

    /// Asks the source again for requests that found nothing ready (a stage may have become ready,
    /// a retry may be queued). Not once nothing is left to hand out: in a run's tail every slot's
    /// request is parked, and asking them all again for each result would cost rank 0 O(slots) per
    /// message. Idle slots' requests come first; busy slots' are asked only until the tail rule
    /// holds one back (the single task at the head waits for an idle slot, so every busy slot
    /// after it would be refused the same way): O(requests served) per message.
    private mutating func serveParked(_ actions: inout [CoordinatorAction]) {
        guard phase.isRunning else { return }
        serveParked(idle: true, &actions)
        serveParked(idle: false, &actions)
    }

    /// Serves the requests waiting in one queue now, each once (one re-parked goes to the back).
    private mutating func serveParked(idle: Bool, _ actions: inout [CoordinatorAction]) {
        var asked = 0
        let waiting = parked.count(idle: idle)
        while asked < waiting, !nothingLeftToServe, let (ordinal, chunks) = parked.next(idle: idle) {
            asked += 1
            let before = actions.count
            let heldBack = serve(ordinal: ordinal, chunks: chunks, into: &actions)
            if heldBack, !idle { break }
            // Under named limits an idle slot holds no units, so idle slots are alike: when one
            // finds nothing it may take, the others would not either (O(1), not O(slots), a message).
            if idle, limitUses != nil, actions.count == before { break }
        }
    }

    /// Whether no retry is queued and the source has handed out all its work.
    private var nothingLeftToServe: Bool { source.isExhausted && retryHead == retryQueue.count }

    private mutating func queueRetry(_ chunk: Chunk) {
        guard phase.isRunning else { return }
        retryQueue.append(chunk)
    }

    private mutating func serve(rank: Int, slot: Int, chunks: Int, into actions: inout [CoordinatorAction]) {
        serve(ordinal: ordinalBase[rank] + slot, chunks: chunks, into: &actions)
    }

    /// Hands up to `chunks` chunks to the slot with global `ordinal`, parking what it could not
    /// serve. Returns whether the tail rule held a single task back from this busy slot.
    @discardableResult
    private mutating func serve(ordinal: Int, chunks: Int, into actions: inout [CoordinatorAction]) -> Bool {
        guard phase.isRunning else { return false }
        let rank = rankOfOrdinal[ordinal]
        let slot = ordinal - ordinalBase[rank]
        var wanted = chunks
        var heldBack = false
        while wanted > 0, let chunk = nextChunk(forSlotOrdinal: ordinal, into: &actions) {
            if chunk.count == 1, inHand[ordinal] > 0 {
                // The tail: a single task waits for a slot with nothing in hand rather than
                // queue behind this slot's work while another slot may sit idle.
                retryQueue.insert(chunk, at: retryHead)
                heldBack = true
                break
            }
            guard var fitting = fitBeforeDeadline(chunk) else {
                beginStopping(reason: Self.deadlineStopReason, interrupted: true, into: &actions)
                return false
            }
            if let limitUses, !leases.acquire(limitUses(fitting.start), slot: ordinal) {
                retryQueue.insert(fitting, at: retryHead)  // a source that cannot choose: it waits for a lease
                break
            }
            if numbersDispatches {
                dispatches += 1
                fitting.sequence = dispatches
            }
            inFlight += fitting.count
            if inHand[ordinal] == 0 { busySince[ordinal] = clock() }
            inHand[ordinal] += fitting.count
            held[ordinal].append(fitting)
            actions.append(.send(.assign(slot: slot, chunk: fitting), to: rank))
            wanted -= 1
        }
        if wanted > 0 { parked.park(ordinal, chunks: wanted, idle: inHand[ordinal] == 0) }
        return heldBack
    }

    /// The part of `chunk` that one slot can finish before the deadline at the mean
    /// task time measured so far (the rest goes back to the front of the queue), or
    /// nil when not even one task fits. Without a deadline or a measurement, all of it.
    private mutating func fitBeforeDeadline(_ chunk: Chunk) -> Chunk? {
        guard let deadline else { return chunk }
        let left = deadline - clock()
        guard left > 0 else {
            retryQueue.insert(chunk, at: retryHead)
            return nil
        }
        guard finishedTasks > 0 else { return chunk }
        let mean = max(finishedSeconds / Double(finishedTasks), 1e-9)
        let fits = Int(min(Double(chunk.count), (left / mean).rounded(.down)))
        guard fits >= 1 else {
            retryQueue.insert(chunk, at: retryHead)
            return nil
        }
        if fits < chunk.count {
            retryQueue.insert(Chunk(start: chunk.start + fits, end: chunk.end, attempt: chunk.attempt), at: retryHead)
        }
        return Chunk(start: chunk.start, end: chunk.start + fits, attempt: chunk.attempt)
    }

    private mutating func nextChunk(forSlotOrdinal ordinal: Int, into actions: inout [CoordinatorAction]) -> Chunk? {
        if let limitUses { return nextLimitedChunk(forSlotOrdinal: ordinal, limitUses, into: &actions) }
        while true {
            while retryHead < retryQueue.count {
                let retry = retryQueue[retryHead]
                retryHead += 1
                if retryHead == retryQueue.count {
                    retryQueue.removeAll(keepingCapacity: true)
                    retryHead = 0
                }
                if retry.start < source.limit { return retry }
            }
            guard let range = source.next(forSlotOrdinal: ordinal) else { return nil }
            guard let chunk = fresh(range, into: &actions) else { continue }  // all of it cancelled: ask again
            return chunk
        }
    }

    /// As `nextChunk`, when tasks use named limits: the first queued chunk the slot's lease
    /// may take (the others stay queued, in order), else the source's next that it admits.
    private mutating func nextLimitedChunk(
        forSlotOrdinal ordinal: Int, _ limitUses: (Int) -> LimitUses, into actions: inout [CoordinatorAction]
    ) -> Chunk? {
        var position = retryHead
        while position < retryQueue.count {
            let queued = retryQueue[position]
            if queued.start >= source.limit {
                retryQueue.remove(at: position)
            } else if leases.admits(limitUses(queued.start), slot: ordinal) {
                retryQueue.remove(at: position)
                return queued
            } else {
                position += 1
            }
        }
        let leases = leases
        while true {
            guard let range = source.next(forSlotOrdinal: ordinal, admitting: { leases.admits(limitUses($0), slot: ordinal) })
            else { return nil }
            guard let chunk = fresh(range, into: &actions) else { continue }
            return chunk
        }
    }

    /// `range`, fresh from the source, as the chunk to hand out: its cancelled tasks settled,
    /// the pieces after the first queued; nil when all of it was cancelled.
    private mutating func fresh(_ range: Range<Int>, into actions: inout [CoordinatorAction]) -> Chunk? {
        let pieces = settlingCancelled(in: range, into: &actions)
        guard let first = pieces.first else { return nil }
        for piece in pieces.dropFirst().reversed() {
            retryQueue.insert(Chunk(start: piece.lowerBound, end: piece.upperBound), at: retryHead)
        }
        let attempt = first.count == 1 ? (earlierFailures.removeValue(forKey: first.lowerBound) ?? 0) + 1 : 1
        return Chunk(start: first.lowerBound, end: first.upperBound, attempt: attempt)
    }

    /// The parts of `range` (fresh from the source) to run: the tasks cancelled ahead of it
    /// (`mpibatch cancel`, now journaled `cancelled`) and those an earlier part journaled
    /// cancelled (counted, not journaled again) are settled and cut out.
    private mutating func settlingCancelled(in range: Range<Int>, into actions: inout [CoordinatorAction]) -> [Range<Int>] {
        guard !cancelAhead.isEmpty || !cancelledEarlier.ranges.isEmpty else { return [range] }
        var pieces = cancelledEarlier.gaps(in: range)
        for index in cancelledEarlier.ranges.flatMap({ $0.clamped(to: range) }) { settleCancelledEarlier(index) }
        var settled: [TaskRecord] = []
        for index in cancelAhead.filter(range.contains).sorted() {
            cancelAhead.remove(index)
            settled.append(settle(TaskRecord.cancelled(index)))
            pieces = pieces.flatMap { $0.cutting(index..<index + 1) }
        }
        if !settled.isEmpty { actions.insert(.record(settled), at: 0) }
        return pieces
    }

    /// Counts task `index`, which an earlier part journaled `cancelled`, as settled (it is
    /// not journaled again).
    private mutating func settleCancelledEarlier(_ index: Int) {
        cancelled += 1
        cancelledByUser += 1
        source.finished(TaskRecord.cancelled(index))
    }

    /// `record`, a task `mpibatch cancel` settled before any slot ran it, counted and told to
    /// the source; returns it, to journal.
    private mutating func settle(_ record: TaskRecord) -> TaskRecord {
        var record = record
        record.error = TaskRecord.cancelledByUser
        record.sequence = dispatches
        cancelled += 1
        cancelledByUser += 1
        source.finished(record)
        return record
    }

    /// `mpibatch cancel`: cancels `indices` (each journaled `cancelled`, no retry consumed).
    /// A task a slot holds is cancelled there (a `cancel` message: a running one ends); one
    /// waiting for a retry, at once; one not handed out yet, when the source hands it out.
    /// Returns the actions, what was done for each index, and whether any was refused (out
    /// of range, already run).
    package mutating func cancel(_ indices: [Int]) -> (actions: [CoordinatorAction], outcome: String, refused: Bool) {
        var actions: [CoordinatorAction] = []
        guard phase.isRunning else { return (actions, "the run is stopping: nothing to cancel", true) }
        var said: [String] = []
        var refused = false
        for index in Set(indices).sorted() {
            if index >= source.limit {
                said.append("\(index): out of range (the run has tasks 0 to \(source.limit - 1))")
                refused = true
            } else if cancelRequested.contains(index) {
                said.append("\(index): already cancelled")
            } else if let ordinal = held.indices.first(where: { held[$0].holds(index) }) {
                cancelRequested.insert(index)
                actions.append(.send(.cancel(index..<index + 1, byUser: true), to: rankOfOrdinal[ordinal]))
                said.append("\(index): cancelled on rank \(rankOfOrdinal[ordinal]) (running or in hand)")
            } else if let queued = dropQueued(in: index..<index + 1).first {
                cancelRequested.insert(index)
                actions.insert(.record([settle(queued)]), at: 0)
                said.append("\(index): cancelled (it waited for its retry)")
            } else if source.hasHandedOut(index) == true {
                said.append("\(index): already ran; nothing to cancel")
                refused = true
            } else {
                cancelRequested.insert(index)
                cancelAhead.insert(index)
                said.append("\(index): cancelled (not started yet)")
            }
        }
        serveParked(&actions)  // a parked request may now find that what was left is settled
        collectEffects(&actions)
        stopIfComplete(&actions)
        return (actions, said.joined(separator: "; "), refused)
    }

    /// `mpibatch cancel --stage NAME`: the source hands out nothing more of the stage and
    /// skips its dependents. Its tasks a slot holds are cancelled there (a `cancel` message
    /// to each rank holding some), those queued for a retry and those never handed out are
    /// journaled `cancelled` at once (an earlier part's `cancelled` ones are counted, not
    /// journaled again); no retry is consumed. Returns the actions, what was done, and
    /// whether the request was refused (no such stage, one that finished, not a stage graph).
    package mutating func cancelStage(_ name: String) -> (actions: [CoordinatorAction], outcome: String, refused: Bool) {
        var actions: [CoordinatorAction] = []
        guard phase.isRunning else { return (actions, "the run is stopping: nothing to cancel", true) }
        let handedOut: Range<Int>, notHandedOut: [Range<Int>], skipped: [String]
        switch source.cancelStage(named: name) {
        case .refused(let why): return (actions, why, true)
        case .unchanged(let what): return (actions, what, false)
        case .cancelled(let out, let left, let dependents): (handedOut, notHandedOut, skipped) = (out, left, dependents)
        }
        var settled: [TaskRecord] = []
        for record in dropQueued(in: handedOut) { settled.append(settle(record)) }
        for index in notHandedOut.joined() {
            cancelAhead.remove(index)
            earlierFailures.removeValue(forKey: index)
            if cancelledEarlier.contains(index) { settleCancelledEarlier(index) } else { settled.append(settle(TaskRecord.cancelled(index))) }
        }
        var ranks = Set<Int>()
        for ordinal in held.indices {
            let indices = held[ordinal].indices(in: handedOut)
            guard !indices.isEmpty else { continue }
            cancelRequested.formUnion(indices)
            ranks.insert(rankOfOrdinal[ordinal])
        }
        for rank in ranks.sorted() { actions.append(.send(.cancel(handedOut, byUser: true), to: rank)) }
        if !settled.isEmpty { actions.insert(.record(settled), at: 0) }
        let held = ranks.isEmpty ? "none running" : "running ones cancelled on rank\(ranks.count > 1 ? "s" : "") "
            + ranks.sorted().map(String.init).joined(separator: ", ")
        let outcome = "stage '\(name)' cancelled: \(held); \(settled.count) not running journaled cancelled; "
            + "dependents skipped: " + (skipped.isEmpty ? "none" : skipped.joined(separator: ", "))
        serveParked(&actions)
        collectEffects(&actions)
        stopIfComplete(&actions)
        return (actions, outcome, false)
    }

    private mutating func stopIfComplete(_ actions: inout [CoordinatorAction]) {
        guard phase.isRunning, source.isExhausted, retryHead == retryQueue.count, inFlight == 0 else { return }
        beginStopping(reason: nil, into: &actions)
    }

    private mutating func beginStopping(
        reason: String?, interrupted: Bool = false, graceSeconds: Double? = nil, into actions: inout [CoordinatorAction]
    ) {
        beginStopping(CoordinatorStop(reason: reason, interrupted: interrupted), graceSeconds: graceSeconds, into: &actions)
    }

    /// Stops handing out work, for `stop`'s reason: every rank not given up on is told to
    /// stop (its running tasks cancelled after `graceSeconds`, else the run's grace).
    private mutating func beginStopping(
        _ stop: CoordinatorStop, graceSeconds: Double? = nil, into actions: inout [CoordinatorAction]
    ) {
        guard phase.isRunning else { return }
        phase = .stopping(stop)
        parked.removeAll()
        for rank in ranksDone.indices where !stop.unresponsive.contains(rank) {
            actions.append(.send(.stop(graceSeconds: graceSeconds ?? self.graceSeconds), to: rank))
        }
        // Every rank may have said `done` already (each saw mpirun end and stopped on its own,
        // before rank 0's stop got here): then no `done` is left to come and end the run.
        finishIfAllDone(&actions)
    }
}
