import Synchronization

/// Runs the `Coordinator` state machine on rank 0: feeds it messages, carries
/// out its actions (send, journal, finish) and keeps the statistics.
final class CoordinatorDriver: Sendable {
    private struct State {
        var coordinator: Coordinator
        var statistics: RunStatistics
    }

    private let state: Mutex<State>
    private let transport: any Transport
    private let journal: Journal
    private let startedAt = MonotonicClock.nanoseconds()
    /// Fires when every rank has reported done.
    let finished = OneShot()

    init(coordinator: sending Coordinator, statistics: RunStatistics, transport: any Transport, journal: Journal) {
        state = Mutex(State(coordinator: coordinator, statistics: statistics))
        self.transport = transport
        self.journal = journal
    }

    /// Lets the coordinator act before any message (an empty workload finishes at once).
    func start() {
        perform(state.withLock { $0.coordinator.start() })
    }

    /// Feeds one worker message from `source` to the coordinator.
    func handle(_ message: RuntimeMessage, from source: Int) {
        perform(state.withLock { $0.coordinator.handle(message, from: source) })
    }

    /// Stops handing out work: every rank drains and reports.
    func interrupt(reason: String) {
        perform(state.withLock { $0.coordinator.interrupt(reason: reason) })
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
                finished.fire()
            }
        }
    }

    /// The run's figures; call after `finished` fired and the journal closed.
    /// Wall time runs from this driver's creation to now: the journal's last write counts.
    func summary(name: String, policy: ChunkPolicy, slotsPerRank: [Int]) -> RunSummary {
        state.withLock { state in
            let coordinator = state.coordinator
            let statistics = state.statistics
            let wall = Double(MonotonicClock.nanoseconds() &- startedAt) * 1e-9
            let reports = coordinator.rankReports
            let reducer = coordinator.reducer
            var extra = JSONWriter()
            extra.beginObject()
            reducer?.writeSummaryFields(to: &extra)
            coordinator.workSource.writeSummaryFields(to: &extra)
            extra.endObject()
            return RunSummary(
                name: name, chunkPolicy: policy, tasksTotal: coordinator.taskLimit,
                tasksSucceeded: coordinator.succeeded, tasksFailed: coordinator.failed,
                attempts: statistics.attempts, wallSeconds: wall, taskSeconds: statistics.taskSeconds,
                slotsPerRank: slotsPerRank, stopReason: coordinator.stopReason, interrupted: coordinator.interrupted,
                ranks: statistics.ranks.enumerated().map { rank, tally in
                    RunSummary.Rank(
                        rank: rank, host: reports[rank]?.host ?? "?", slots: slotsPerRank[rank], tasks: tally.tasks,
                        busySeconds: tally.busySeconds, cpuSeconds: reports[rank]?.cpuSeconds ?? 0)
                },
                slots: statistics.slots.enumerated().flatMap { rank, slots in
                    slots.enumerated().map { slot, tally in
                        RunSummary.Slot(rank: rank, slot: slot, tasks: tally.tasks, busySeconds: tally.busySeconds)
                    }
                },
                failures: statistics.finalFailures.map {
                    RunSummary.Failure(
                        index: $0.index, rank: $0.rank, attempt: $0.attempt, status: $0.status, error: $0.error ?? "")
                },
                extraFields: extra.objectMembers,
                extraLines: (reducer?.humanSummary() ?? []) + coordinator.workSource.humanSummary())
        }
    }
}
