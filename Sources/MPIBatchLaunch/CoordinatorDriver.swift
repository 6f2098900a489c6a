import Foundation
import MPIBatchCore
import MPIBatchJob
import MPIBatchJournal
import MPIBatchPlan
import MPIBatchReporting
import MPIBatchRuntime
import MPIBatchScheduling
import Synchronization

/// Runs the `Coordinator` state machine on rank 0: feeds it messages, carries
/// out its actions (send, journal, finish) and keeps the statistics.
final class CoordinatorDriver: Sendable {
    private struct State {
        var coordinator: Coordinator
        var statistics: RunStatistics
        var lastHeard: [UInt64]
    }

    private let state: Mutex<State>
    private let transport: any Transport
    private let journal: Journal
    private let startedAt = MonotonicClock.nanoseconds()
    private let startedAtEpoch = Date().timeIntervalSince1970
    /// Fires when every rank has reported done.
    let finished = OneShot()
    private let watchdog = BackgroundLoop(name: "mpibatch-watchdog")
    /// Where stage values go.
    private let stageValues: StageValues
    /// The run directory, for `early-stops.json`.
    private let outputDirectory: String
    /// Carries out the work source's effects and records early stops, in order, off the
    /// communication thread.
    private let effects = DispatchQueue(label: "mpibatch-effects")
    /// Every early stop of the run (earlier parts included), as written to `early-stops.json`.
    private let earlyStops: Mutex<[EarlyStop]>
    /// Every stage `mpibatch cancel --stage` cancelled (earlier parts included), as written to
    /// `cancelled-stages.json`.
    private let cancelledStages: Mutex<[String]>
    /// Expands a stage's run-time table (a stage graph's; nil for other workloads).
    private let expandStage: (@Sendable (Int) -> Result<Int, RunTimeTableError>)?

    /// A driver of `coordinator`; stage values go through `stageValues`, early stops and
    /// cancelled stages to `outputDirectory`, after `earlierStops` and `earlierCancelledStages`
    /// (a resumed run's).
    init(
        coordinator: sending Coordinator, statistics: RunStatistics, transport: any Transport, journal: Journal,
        stageValues: StageValues = StageValues(directory: nil), outputDirectory: String = "", earlierStops: [EarlyStop] = [],
        earlierCancelledStages: [String] = [], expandStage: (@Sendable (Int) -> Result<Int, RunTimeTableError>)? = nil
    ) {
        self.expandStage = expandStage
        state = Mutex(State(
            coordinator: coordinator, statistics: statistics,
            lastHeard: Array(repeating: MonotonicClock.nanoseconds(), count: statistics.slots.count)))
        self.transport = transport
        self.journal = journal
        self.stageValues = stageValues
        self.outputDirectory = outputDirectory
        earlyStops = Mutex(earlierStops)
        cancelledStages = Mutex(earlierCancelledStages)
    }

    /// Lets the coordinator act before any message (an empty workload finishes at once),
    /// and starts watching for ranks silent longer than `silenceLimitSeconds`.
    func start(silenceLimitSeconds: Double) {
        perform(state.withLock { $0.coordinator.start() })
        watchdog.start { [self] loop in watchForSilence(loop, limit: silenceLimitSeconds) }
    }

    /// Ends the watch for silent ranks (the run has finished) and waits for its thread.
    func stopWatching() { watchdog.stopAndJoin() }

    /// Feeds one worker message from `source` to the coordinator.
    func handle(_ message: RuntimeMessage, from source: Int) {
        perform(
            state.withLock { state in
                state.lastHeard[source] = MonotonicClock.nanoseconds()
                return state.coordinator.handle(message, from: source)
            })
    }

    /// Gives up on ranks not heard from for `limit` seconds (their heartbeats come far
    /// more often), until the run finishes or the watch is stopped.
    private func watchForSilence(_ loop: BackgroundLoop, limit: Double) {
        let limitNanoseconds = UInt64(max(0.05, limit) * 1e9)
        while !loop.wait(seconds: min(0.5, limit / 4)), !loop.isStopping {
            let actions: [CoordinatorAction]? = state.withLock { state in
                guard !state.coordinator.isFinished else { return nil }
                let now = MonotonicClock.nanoseconds()
                let silent = state.lastHeard.indices.filter { rank in
                    !state.coordinator.isDone(rank: rank) && now &- state.lastHeard[rank] > limitNanoseconds
                }
                guard let longest = silent.map({ now &- state.lastHeard[$0] }).max() else { return [] }
                return state.coordinator.abandon(ranks: silent, silentFor: Double(longest) * 1e-9)
            }
            guard let actions else { return }
            perform(actions)
        }
    }

    /// Tasks finished for good (ok or failed), failed, and in the run: for progress reports.
    func counts() -> (finished: Int, failed: Int, total: Int) {
        state.withLock { state in
            let coordinator = state.coordinator
            return (coordinator.succeeded + coordinator.failed, coordinator.failed, coordinator.taskLimit)
        }
    }

    /// What the work source found about the run; call after `finished` fired.
    func sourceFindings() -> [Finding] {
        state.withLock { $0.coordinator.workSource.findings() }
    }

    /// Stops at once, cancelling running tasks: the run cannot go on.
    func abort(reason: String) {
        perform(state.withLock { $0.coordinator.abort(reason: reason) })
    }

    /// Stops handing out work: every rank drains and reports; with `graceSeconds`, running
    /// tasks are cancelled after it (`interrupted`).
    func interrupt(reason: String, graceSeconds: Double? = nil) {
        perform(state.withLock { $0.coordinator.interrupt(reason: reason, graceSeconds: graceSeconds) })
    }

    /// `mpibatch stop` (`now`: `--now`) asked the run to stop; returns what was done.
    func requestStop(now: Bool) -> String {
        let wasStopping = state.withLock { $0.coordinator.isStopping }
        interrupt(reason: now ? "mpibatch stop --now" : "mpibatch stop", graceSeconds: now ? 0 : nil)
        switch (wasStopping, now) {
        case (false, false): return "draining: no task starts from now on; the run exits 3, resumable"
        case (false, true): return "stopping now: running tasks cancelled (journaled interrupted); the run exits 3, resumable"
        case (true, false): return "already stopping"
        case (true, true): return "already stopping; running tasks cancelled now (journaled interrupted)"
        }
    }

    /// `mpibatch cancel` asked for `indices`: what was done, and whether any was refused.
    func requestCancel(_ indices: [Int]) -> (outcome: String, refused: Bool) {
        let (actions, outcome, refused) = state.withLock { $0.coordinator.cancel(indices) }
        perform(actions)
        return (outcome, refused)
    }

    /// `mpibatch cancel --stage` asked for stage `name`: what was done, and whether it was
    /// refused. The stage goes to `cancelled-stages.json` before its tasks are journaled, so
    /// that a resume after a kill cancels it again.
    func requestCancelStage(_ name: String) -> (outcome: String, refused: Bool) {
        let (actions, outcome, refused) = state.withLock { $0.coordinator.cancelStage(name) }
        if !refused {
            let names = cancelledStages.withLock { names in
                if !names.contains(name) { names.append(name) }
                return names
            }
            if !outputDirectory.isEmpty {
                do {
                    try RunRecordFile.cancelledStages.write(names, to: outputDirectory)
                } catch {
                    Diagnostics.warning("stage '\(name)' cancelled but not recorded (a resume would run it again): \(error)")
                }
            }
        }
        perform(actions)
        return (outcome, refused)
    }

    /// What the status shows now: counts, busy slots, per-rank figures (no per-task state).
    func liveFigures() -> LiveFigures {
        state.withLock { state in
            let coordinator = state.coordinator
            let ranks = state.statistics.ranks
            return LiveFigures(
                total: coordinator.taskLimit - coordinator.workSource.reservedButUnused,
                finished: coordinator.succeeded + coordinator.failed + coordinator.cancelled, failed: coordinator.failed,
                cancelled: coordinator.cancelled, busy: coordinator.busySlots(), now: MonotonicClock.seconds(),
                hosts: coordinator.hosts, slotsPerRank: state.statistics.slots.map(\.count), rankTasks: ranks.map(\.tasks),
                rankBusySeconds: ranks.map(\.busySeconds), stopping: coordinator.isStopping, stopReason: coordinator.stopReason,
                stages: coordinator.workSource.stagesLine(), findings: coordinator.workSource.findings())
        }
    }

    private func perform(_ actions: [CoordinatorAction]) {
        for action in actions {
            switch action {
            case .send(let message, let destination):
                transport.send(message.encoded(), to: destination)
            case .record(let records):
                journal.append(records)
                state.withLock { $0.statistics.add(records) }
            case .finished:
                // Whatever effect is still queued (a last stage's value) is done before the run ends.
                effects.async { [finished] in finished.fire() }
            case .effect(let effect):
                effects.async { [self] in carryOut(effect) }
            case .recordEarlyStop(let stop):
                effects.async { [self] in record(stop) }
            }
        }
    }

    /// Carries out one of the work source's effects (on the effects queue).
    private func carryOut(_ effect: SourceEffect) {
        switch effect {
        case .storeStageValue(let stage, let name, let bytes):
            var failure: String?
            do { try stageValues.store(bytes, of: name) } catch { failure = "\(error)" }
            perform(state.withLock { $0.coordinator.stageValueStored(stage, failure: failure) })
        case .expandStage(let stage):
            let outcome = expandStage?(stage) ?? .failure(RunTimeTableError("this workload has no stage to expand"))
            perform(state.withLock { $0.coordinator.stageExpanded(stage, outcome: outcome) })
        case .warn(let message):
            Diagnostics.warning(message)
        }
    }

    /// Adds `stop` to `early-stops.json` (on the effects queue).
    private func record(_ stop: EarlyStop) {
        let stops = earlyStops.withLock { stops in
            stops.append(stop)
            return stops
        }
        guard !outputDirectory.isEmpty else { return }
        do {
            try RunRecordFile.earlyStops.write(stops, to: outputDirectory)
        } catch {
            Diagnostics.warning("early stop not recorded (a resume would run its scope again): \(error)")
        }
    }

    /// The run's figures, over `earlierParts` and this one; call after `finished` fired and
    /// the journal closed. This part's wall time runs from this driver's creation to now:
    /// the journal's last write counts.
    func summary(name: String, policy: ChunkPolicy, slotsPerRank configured: [Int], earlierParts: [RunPart]) -> RunSummary {
        effects.sync {}  // the last effects (a stage value, an early stop's record) are done
        return state.withLock { state in
            let coordinator = state.coordinator
            // Under --slots auto a rank used fewer slots than it had: its figures count those.
            let slotsPerRank = configured.indices.map { rank in
                coordinator.rankReports[rank].map { $0.slotsUsed > 0 ? min($0.slotsUsed, configured[rank]) : configured[rank] }
                    ?? configured[rank]
            }
            let slotNotes = coordinator.rankReports.enumerated().compactMap { rank, report in
                report.flatMap { $0.slotsNote.isEmpty ? nil : "rank \(rank): \($0.slotsNote)" }
            }
            let statistics = state.statistics
            var part = RunPart(startOffset: earlierParts.last.map { $0.startOffset + $0.wallSeconds } ?? 0, startedAt: startedAtEpoch)
            part.wallSeconds = Double(MonotonicClock.nanoseconds() &- startedAt) * 1e-9
            part.attempts = statistics.attempts
            part.taskSeconds = statistics.taskSeconds
            let parts = earlierParts + [part]
            let reports = coordinator.rankReports
            let reducer = coordinator.reducer
            var summary = RunSummary(
                name: name, chunkPolicy: policy, tasksTotal: coordinator.taskLimit - coordinator.workSource.reservedButUnused,
                tasksSucceeded: coordinator.succeeded, tasksFailed: coordinator.failed,
                attempts: parts.reduce(0) { $0 + $1.attempts }, wallSeconds: parts.reduce(0) { $0 + $1.wallSeconds },
                taskSeconds: parts.reduce(0) { $0 + $1.taskSeconds },
                slotsPerRank: slotsPerRank, stopReason: coordinator.stopReason, interrupted: coordinator.interrupted,
                unresponsiveRanks: coordinator.unresponsive.map { RunSummary.LostRank(rank: $0, host: coordinator.hosts[$0] ?? "?") },
                ranks: statistics.ranks.enumerated().map { rank, tally in
                    RunSummary.Rank(
                        rank: rank, host: reports[rank]?.host ?? "?", slots: slotsPerRank[rank], tasks: tally.tasks,
                        busySeconds: tally.busySeconds, cpuSeconds: reports[rank]?.cpuSeconds ?? 0,
                        maxTaskRSSBytes: tally.maxRSSBytes)
                },
                slots: statistics.slots.enumerated().flatMap { rank, slots in
                    slots.prefix(slotsPerRank[rank]).enumerated().map { slot, tally in
                        RunSummary.Slot(rank: rank, slot: slot, tasks: tally.tasks, busySeconds: tally.busySeconds)
                    }
                },
                failures: statistics.finalFailures.map {
                    RunSummary.Failure(
                        index: $0.index, rank: $0.rank, attempt: $0.attempt, status: $0.status, error: $0.error ?? "")
                },
                extraLines: (reducer?.humanSummary() ?? []) + coordinator.earlyStops.humanSummary()
                    + coordinator.workSource.humanSummary() + coordinator.leases.summaryLines + slotNotes,
                parts: parts, lostSilentNode: coordinator.lostSilentNode, earlyStops: coordinator.earlyStops.summary(),
                tasksCancelled: coordinator.cancelled, tasksSettledByEarlyStops: coordinator.earlyStops.settledByStops,
                tasksCancelledByUser: coordinator.cancelledByUser,
                failuresInStoppedScopes: coordinator.earlyStops.failuresInStoppedScopes)
            summary.add(reducer?.summaryFigures())
            summary.add(coordinator.workSource.summaryFigures())
            summary.gpuSecondsPerRank = statistics.gpuSeconds
            return summary
        }
    }
}
