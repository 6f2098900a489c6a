import MPIBatchCore

/// Where one stage of a graph stands during a run, as rank 0's `StageGraphSource` sees it.
struct StageProgress {
    /// A stage's life: waiting → ready → running → succeeded | failed | cancelled, or skipped instead.
    enum Status: String {
        /// Some dependency has not finished yet.
        case waiting
        /// Every dependency succeeded; nothing handed out yet.
        case ready
        /// Some of its tasks have been handed out.
        case running
        /// Every task finished ok, or it stopped early.
        case succeeded
        /// Every task finished, and some failed for good.
        case failed
        /// Never run: something upstream failed or was cancelled.
        case skipped
        /// `mpibatch cancel --stage` cancelled it, and every task it had handed out is back.
        case cancelled
    }

    /// Where it stands.
    var status: Status
    /// Dependencies not finished yet.
    var pendingDependencies: Int
    /// How many tasks it has: the graph's count, or a run-time table's rows once expanded.
    var taskCount: Int
    /// Whether its size is still to be found (a run-time table not expanded yet).
    var awaitsExpansion = false
    /// Tasks handed out (first attempts).
    var handedOut = 0
    /// Tasks whose final attempt came back.
    var finished = 0
    /// Tasks that failed for good.
    var failures = 0
    /// Summed seconds of the final attempts that came back.
    var taskSeconds = 0.0
    /// Summed CPU seconds of those attempts, where measured.
    var cpuSeconds = 0.0
    /// The largest peak resident memory among them, in bytes (0: none measured).
    var maxRSSBytes = 0
    /// Rank 0's clock when its first task was handed out, and when its last came back.
    var start: UInt64?
    /// See `start`.
    var end: UInt64?
    /// Its tasks' values, by local index, for `value.json`.
    var values: [TaskValue]
    /// The local index of the task that stopped it early (`stop_when:` met, `race:` won), if one did.
    var winner: Int?
    /// Whether its `warn_after:` warning was given.
    var warned = false
    /// Whether `mpibatch cancel --stage` cancelled it (it hands out nothing more, and its
    /// status becomes `cancelled` once its tasks are back).
    var cancelled = false
    /// Whether it was skipped because a stage upstream was cancelled (not because one failed).
    var skippedAfterCancel = false

    /// A stage of `taskCount` tasks waiting for `dependencies` others.
    init(taskCount: Int, dependencies: Int) {
        status = .waiting
        self.taskCount = taskCount
        pendingDependencies = dependencies
        values = Array(repeating: .none, count: taskCount)
    }

    /// Seconds from its first dispatch to its last result, if both happened.
    var seconds: Double? {
        guard let start, let end else { return nil }
        return Double(end &- start) * 1e-9
    }

    /// Whether it will run no more tasks (done, or never to run).
    var isSettled: Bool { status == .succeeded || status == .failed || status == .skipped || status == .cancelled }
}
