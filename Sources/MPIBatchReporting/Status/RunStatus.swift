import MPIBatchCore

/// What `status.json` in a run directory says: rank 0 replaces it by rename every
/// `periodSeconds` while the run runs (each time with the next `sequence`), and once more
/// when the run ends. `mpibatch status DIR` reads it; nothing in it needs MPI or the journal.
public struct RunStatus: Codable, Sendable, Equatable {
    /// Where the run is. A reader judges `lost` (the file says `running`, its writer is gone).
    public enum State: String, Codable, Sendable {
        case running, finished, interrupted, failed, lost
        /// Whether the run has ended (nothing will write the file again).
        public var hasEnded: Bool { self != .running }
    }

    /// A task running now: which, where, for how long (as rank 0 knows it).
    public struct Running: Codable, Sendable, Equatable {
        /// The task's index.
        public var index: Int
        /// The rank and slot running it.
        public var rank: Int
        /// The slot within the rank's pool.
        public var slot: Int
        /// The rank's node.
        public var host: String
        /// How long it has run, in seconds.
        public var seconds: Double
    }

    /// One node's figures so far.
    public struct Node: Codable, Sendable, Equatable {
        /// The node's name, as its ranks reported it.
        public var host: String
        /// Its ranks.
        public var ranks: [Int]
        /// Their slots.
        public var slots: Int
        /// Attempts its slots finished.
        public var tasks: Int
        /// Seconds its slots spent in finished attempts.
        public var busySeconds: Double
        /// Tasks its slots run now.
        public var running: Int

        enum CodingKeys: String, CodingKey { case host, ranks, slots, tasks, busySeconds = "busy_seconds", running }
    }

    /// A control request rank 0 read, and what it did with it.
    public struct Answer: Codable, Sendable, Equatable {
        /// The request's `id`, as the requester wrote it.
        public var id: String
        /// What was done (`draining`, `already stopping`, ...).
        public var outcome: String
        /// Whether the request was refused (an index out of range, say): its command exits 2.
        public var refused: Bool

        /// Every stored property, as the memberwise initializer had it (another target builds it).
        package init(id: String, outcome: String, refused: Bool) {
            self.id = id
            self.outcome = outcome
            self.refused = refused
        }
    }

    /// The run's state as its writer saw it (a reader may judge it `lost`).
    public var state: State
    /// Goes up by one at each write: a reader that sees it stand still for several periods
    /// on its own clock judges the run lost (clocks of different hosts are never compared).
    public var sequence: Int
    /// How often the file is replaced while the run runs, in seconds.
    public var periodSeconds: Double
    /// The job's name.
    public var name: String
    /// Rank 0's node.
    public var host: String
    /// Rank 0's process id (on `host`).
    public var pid: Int32
    /// When the file was written, Unix seconds on rank 0's clock: for people, never for judging.
    public var writtenAt: Double
    /// When this part of the run began, Unix seconds on rank 0's clock.
    public var startedAt: Double
    /// Seconds since this part of the run began, on rank 0's monotonic clock.
    public var elapsedSeconds: Double
    /// Tasks in the run.
    public var total: Int
    /// Tasks finished for good: ok, failed after their retries, or cancelled.
    public var finished: Int
    /// Tasks failed after their retries.
    public var failed: Int
    /// Tasks cancelled (an early stop, `mpibatch cancel`).
    public var cancelled: Int
    /// Tasks not finished yet.
    public var left: Int
    /// Running tasks, longest-running first (at most `runningShown`).
    public var running: [Running]
    /// How many tasks run now in all.
    public var runningCount: Int
    /// Tasks this part of the run finished per second.
    public var throughput: Double
    /// The time left at that pace, in seconds (nil: not known yet).
    public var etaSeconds: Double?
    /// Per-node figures, nodes in the order of their first rank.
    public var nodes: [Node]
    /// Whether the run has begun to stop.
    public var stopping: Bool
    /// Why it stopped (or stops), if it does early.
    public var stopReason: String?
    /// What the run found so far, one line each (`kind: message`).
    public var findings: [String]
    /// The stage graph's stages by state (`done: 2, running: 1, waiting: 3`), for a stage graph.
    public var stages: String?
    /// The last control requests rank 0 read (at most `answersKept`), oldest first.
    public var answers: [Answer]
    /// Control lines that were not requests (ignored, each with a warning on rank 0's stderr).
    public var ignoredControlLines: Int
    /// The run's exit status, once it has ended.
    public var exitStatus: Int32?

    /// How many running tasks the file lists by name.
    public static let runningShown = 100
    /// How many answers it keeps.
    public static let answersKept = 32

    enum CodingKeys: String, CodingKey {
        case state, sequence = "seq", periodSeconds = "period_seconds", name, host, pid, writtenAt = "written_at"
        case startedAt = "started_at", elapsedSeconds = "elapsed_seconds", total, finished, failed, cancelled, left
        case running, runningCount = "running_count", throughput = "throughput_tasks_per_second", etaSeconds = "eta_seconds"
        case nodes, stopping, stopReason = "stop_reason", findings, stages, answers
        case ignoredControlLines = "ignored_control_lines", exitStatus = "exit_status"
    }
}

extension RunStatus {
    /// The status as `status.json` holds it: one line of JSON with sorted keys.
    public func json() throws(ReportEncodingError) -> [UInt8] { try ReportCoding.encode(self) }
}
