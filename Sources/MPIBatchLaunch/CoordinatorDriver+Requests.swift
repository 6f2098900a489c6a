import MPIBatchCore
import MPIBatchReporting
import MPIBatchRuntime
import MPIBatchScheduling

/// What the status publisher and the progress line ask of rank 0's coordinator. A request
/// that makes it decide (stop, cancel) is a question posted to the loop, which decides and
/// acts there and answers. Figures are read under the lock, from any thread, any time (the
/// status publisher's first one comes before the loop runs): reading decides nothing.
extension CoordinatorDriver {
    /// `mpibatch stop` (`now`: `--now`) asked the run to stop; returns what was done.
    func requestStop(now: Bool) -> String {
        let wasStopping = decide { [self] owned in
            let wasStopping = owned.coordinator.isStopping
            let reason = now ? "mpibatch stop --now" : "mpibatch stop"
            perform(owned.coordinator.interrupt(reason: reason, graceSeconds: now ? 0 : nil), &owned)
            return wasStopping
        }
        switch (wasStopping ?? true, now) {
        case (false, false): return "draining: no task starts from now on; the run exits 3, resumable"
        case (false, true): return "stopping now: running tasks cancelled (journaled interrupted); the run exits 3, resumable"
        case (true, false): return "already stopping"
        case (true, true): return "already stopping; running tasks cancelled now (journaled interrupted)"
        }
    }

    /// `mpibatch cancel` asked for `indices`: what was done, and whether any was refused.
    func requestCancel(_ indices: [Int]) -> (outcome: String, refused: Bool) {
        decide { [self] owned in
            let (actions, outcome, refused) = owned.coordinator.cancel(indices)
            perform(actions, &owned)
            return (outcome, refused)
        } ?? Self.over
    }

    /// `mpibatch cancel --stage` asked for stage `name`: what was done, and whether it was
    /// refused. The stage goes to `cancelled-stages.json` before its tasks are journaled, so
    /// that a resume after a kill cancels it again.
    func requestCancelStage(_ name: String) -> (outcome: String, refused: Bool) {
        decide { [self] owned in
            let (actions, outcome, refused) = owned.coordinator.cancelStage(name)
            if !refused { recordCancelled(stage: name, in: &owned) }
            perform(actions, &owned)
            return (outcome, refused)
        } ?? Self.over
    }

    /// What a request gets once the run is over.
    private static let over = (outcome: "the run is over: nothing to cancel", refused: true)

    /// Adds stage `name` to `cancelled-stages.json`.
    private func recordCancelled(stage name: String, in owned: inout Owned) {
        if !owned.cancelledStages.contains(name) { owned.cancelledStages.append(name) }
        guard !outputDirectory.isEmpty else { return }
        do {
            try RunRecordFile.cancelledStages.write(owned.cancelledStages, to: outputDirectory)
        } catch {
            Diagnostics.warning("stage '\(name)' cancelled but not recorded (a resume would run it again): \(error)")
        }
    }

    /// Tasks finished for good (ok or failed), failed, and in the run: for progress reports.
    func counts() -> (finished: Int, failed: Int, total: Int) {
        owned.withLock { owned in
            let coordinator = owned.coordinator
            return (coordinator.succeeded + coordinator.failed, coordinator.failed, coordinator.taskLimit)
        }
    }

    /// What the status shows now: counts, busy slots, per-rank figures (no per-task state).
    func liveFigures() -> LiveFigures {
        owned.withLock { owned in
            let coordinator = owned.coordinator
            let ranks = owned.statistics.ranks
            return LiveFigures(
                total: coordinator.taskLimit - coordinator.workSource.reservedButUnused,
                finished: coordinator.succeeded + coordinator.failed + coordinator.cancelled, failed: coordinator.failed,
                cancelled: coordinator.cancelled, busy: coordinator.busySlots(), now: MonotonicClock.seconds(),
                hosts: coordinator.hosts.all, slotsPerRank: owned.statistics.slots.map(\.count), rankTasks: ranks.map(\.tasks),
                rankBusySeconds: ranks.map(\.busySeconds), stopping: coordinator.isStopping, stopReason: coordinator.stopReason,
                stages: coordinator.workSource.stagesLine(), findings: coordinator.workSource.findings())
        }
    }

    /// Runs `request` on the loop, where it may decide and act, and returns its answer; nil
    /// once the run is over.
    private func decide<Answer: Sendable>(_ request: @escaping @Sendable (inout Owned) -> Answer) -> Answer? {
        loop.ask { [self] in owned.withLock { request(&$0) } }
    }

}
