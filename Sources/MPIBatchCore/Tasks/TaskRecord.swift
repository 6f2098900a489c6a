/// How one task attempt ended.
public enum TaskStatus: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case ok, failed, timeout, interrupted
    /// Stopped, or never started, because its sweep or stage stopped early (`stop_when:`,
    /// `race:`): consumes no retry, and a resume does not run it again.
    case cancelled

    /// `ok`, `failed`, `timeout`, `interrupted` or `cancelled`, as in `results.jsonl`.
    public var description: String {
        switch self {
        case .ok: "ok"
        case .failed: "failed"
        case .timeout: "timeout"
        case .interrupted: "interrupted"
        case .cancelled: "cancelled"
        }
    }
}

/// One finished task attempt: what travels from a worker to rank 0 and
/// becomes one line of `results.jsonl`.
public struct TaskRecord: Sendable, Equatable {
    /// The task's index.
    public var index: Int
    /// 1 for the first try.
    public var attempt: Int
    /// How it ended.
    public var status: TaskStatus
    /// The rank that ran it.
    public var rank: Int
    /// The slot of that rank's pool that ran it.
    public var slot: Int
    /// When it started, in seconds since the run began on its rank.
    public var start: Double
    /// How long it ran, in seconds.
    public var seconds: Double
    /// What it produced.
    public var value: TaskValue
    /// Why it failed, if it did.
    public var error: String?
    /// When it started, in seconds since the Unix epoch (see `Worker` for the clock).
    public var startedAt: Double?
    /// A command's exit status; nil when it was killed by a signal, never started, or is a kernel.
    public var exitCode: Int32?
    /// The signal that killed a command (a timeout's included); nil otherwise.
    public var signal: Int32?
    /// Where a command's stdout and stderr were kept; nil for kernels.
    public var log: TaskLog?
    /// CPU time and peak memory it used, when measured (see `TaskUsage`).
    public var usage: TaskUsage?
    /// Seconds its slot spent starting a persistent worker just before it (the worker's
    /// process and handshake: `startup_timeout:`), kept out of `seconds` and `start`; nil
    /// when no worker started for it.
    @usableFromInline package var workerStartSeconds: Double?
    /// The devices it held (`gpus:`), comma-separated as its vendor's variable had them; nil when it asked for none.
    @usableFromInline package var gpus: String?
    /// The dispatch sequence number of the chunk that handed it out (`Chunk.sequence`), or
    /// the coordinator's count when it journals the attempt itself; 0 when the part's journal
    /// is not sharded. A shard's line writes it as `seq`.
    @usableFromInline package var sequence = 0

    /// Makes a record; workers do this for every task (inlinable: rank 0 and the ranks make
    /// one per task in other modules, where a call and the copies it forces cost ~10% of rank 0's time).
    @inlinable
    public init(
        index: Int, attempt: Int, status: TaskStatus, rank: Int, slot: Int, start: Double, seconds: Double,
        value: TaskValue, error: String?, startedAt: Double? = nil, exitCode: Int32? = nil, signal: Int32? = nil,
        log: TaskLog? = nil, usage: TaskUsage? = nil
    ) {
        self.index = index
        self.attempt = attempt
        self.status = status
        self.rank = rank
        self.slot = slot
        self.start = start
        self.seconds = seconds
        self.value = value
        self.error = error
        self.startedAt = startedAt
        self.exitCode = exitCode
        self.signal = signal
        self.log = log
        self.usage = usage
    }
}

extension TaskRecord {
    /// Whether this attempt failed (or timed out) with no retry left of the `retries` allowed.
    public func failsForGood(retries: Int) -> Bool {
        (status == .failed || status == .timeout) && attempt > retries
    }
}

extension TaskRecord {
    /// Task `index` at `attempt`, cancelled before it started, for `reason` (by default an early stop's).
    package static func cancelled(
        _ index: Int, attempt: Int = 1, rank: Int = 0, slot: Int = 0, sequence: Int = 0, reason: String = cancelledByEarlyStop
    ) -> TaskRecord {
        var record = TaskRecord(
            index: index, attempt: attempt, status: .cancelled, rank: rank, slot: slot, start: 0, seconds: 0, value: .none,
            error: reason)
        record.sequence = sequence
        return record
    }

    /// The `error` of a task an early stop (`stop_when:`, `race:`) cancelled.
    package static let cancelledByEarlyStop = "cancelled: its sweep or stage stopped early"
    /// The `error` of a task `mpibatch cancel` cancelled.
    package static let cancelledByUser = "cancelled: by mpibatch cancel"
}
