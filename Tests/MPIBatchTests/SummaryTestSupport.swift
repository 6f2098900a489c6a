@testable import MPIBatchJournal
@testable import MPIBatchReporting

/// A finished run of `tasks` tasks on one rank of `slots` slots, `busy` seconds of task time
/// (a tenth of it CPU time), with `failures` among them.
func finishedRun(tasks: Int = 3, slots: Int = 2, busy: Double = 10, failures: [RunSummary.Failure] = []) -> RunSummary {
    var part = RunPart(startOffset: 0, startedAt: 1_796_000_000)
    part.attempts = tasks
    part.taskSeconds = busy
    part.wallSeconds = busy / Double(slots)
    return RunSummary(
        name: "s", chunkPolicy: .auto, tasksTotal: tasks, tasksSucceeded: tasks - failures.count, tasksFailed: failures.count,
        attempts: tasks, wallSeconds: busy / Double(slots), taskSeconds: busy, slotsPerRank: [slots], stopReason: nil,
        interrupted: false, unresponsiveRanks: [],
        ranks: [.init(rank: 0, host: "h", slots: slots, tasks: tasks, busySeconds: busy, cpuSeconds: busy * 0.1)],
        slots: [], failures: failures, extraLines: [], parts: [part])
}

/// Task `index`'s first attempt, failed with `error`.
func failedTask(_ index: Int, _ error: String) -> RunSummary.Failure {
    .init(index: index, rank: 0, attempt: 1, status: .failed, error: error)
}
