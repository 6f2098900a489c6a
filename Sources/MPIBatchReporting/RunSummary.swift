import MPIBatchCore
import MPIBatchJournal
import MPIBatchScheduling

/// The figures of a finished run: `summary.json` and the human summary on stderr.
public struct RunSummary: Sendable {
    /// The job's name.
    public var name: String
    /// The chunk policy used.
    public var chunkPolicy: ChunkPolicy
    /// Tasks in the run (lower than the job's when a precision target stopped it early).
    public var tasksTotal: Int
    /// Tasks whose last attempt succeeded.
    public var tasksSucceeded: Int
    /// Tasks that failed on their last allowed attempt.
    public var tasksFailed: Int
    /// Attempts made, retries included, over every part of the run.
    public var attempts: Int
    /// Wall-clock seconds from the first dispatch to the last report, summed over every part of the run.
    public var wallSeconds: Double
    /// Seconds summed over every attempt of every part: the sequential equivalent. With
    /// multi-core tasks each attempt counts its seconds × its cores (core-seconds).
    public var taskSeconds: Double
    /// Slots per rank.
    public var slotsPerRank: [Int]
    /// Why the run stopped before finishing, if it did.
    public var stopReason: String?
    /// Whether a signal or the deadline stopped it (resumable: exit status 3).
    public var interrupted: Bool
    /// Ranks that stopped answering and were given up on, with their nodes.
    public var unresponsiveRanks: [LostRank]
    /// Per-rank figures, in rank order.
    public var ranks: [Rank]
    /// Per-slot figures, rank-major.
    public var slots: [Slot]
    /// The first failures, by task.
    public var failures: [Failure]
    /// Extra lines for the human summary from the workload's reducer and work source (`notes` in summary.json).
    public var extraLines: [String]
    /// The run's parts, this one last: one unless it was resumed.
    public var parts: [RunPart] = []
    /// Tasks a `--resume --force` ran again because the journal's line at their index was
    /// of other work (other parameters) than the changed job's.
    public var tasksRerunChanged = 0
    /// What the run's figures and journal say to do differently (`findings` in summary.json).
    public var findings: [Finding] = []
    /// Why the journal stopped taking lines (a full disk, say), if it did: the run failed.
    public var journalFailure: String? = nil
    /// Messages rank 0 got that the protocol rules out (a bug, or mismatched binaries),
    /// ignored and counted (`impossible_messages` in summary.json; 0 in a sound run).
    public var impossibleMessages = 0
    /// Whether some task took more than one core, so `taskSeconds` is core-seconds.
    public var coreWeighted = false
    /// Per rank, seconds × devices its `gpus:` tasks held (empty: no task asked for GPUs); see `GPUOccupancy`.
    package var gpuSecondsPerRank: [Double] = []
    /// Each node's GPU occupancy, when tasks asked for GPUs (`summary.json`'s `gpu_occupancy`).
    package var gpuOccupancy: [GPUOccupancy] = []
    /// Whether a whole node went silent (lost, not a hung process beside answering ones):
    /// then `mpirun` needs time to notice the node itself before an abort can reach it.
    /// Not written to `summary.json`.
    public var lostSilentNode = false
    /// Where the run's report page was written; nil when it could not be (a full disk, say).
    /// Not written to `summary.json`.
    public var reportPage: String? = nil

    /// A Monte Carlo run's estimate (its fields sit beside the run's own in summary.json).
    public var monteCarlo: MonteCarloSummary? = nil
    /// A stage graph's critical path and stages (beside the run's own fields).
    public var stageGraph: StageGraphSummary? = nil
    /// A stage graph's `montecarlo:` stages' estimates, by stage name (`montecarlo` in summary.json).
    public var stageMonteCarlo: [String: MonteCarloSummary]? = nil

    /// Keeps what a reducer or work source adds, in the field for its kind.
    public mutating func add(_ figures: SummaryFigures?) {
        switch figures {
        case .monteCarlo(let summary): monteCarlo = summary
        case .stageMonteCarlo(let stages): stageMonteCarlo = stages
        case .stageGraph(let summary): stageGraph = summary
        case nil: break
        }
    }

    /// A rank that stopped answering and was given up on.
    public struct LostRank: Codable, Sendable, Equatable {
        public var rank: Int
        /// Its node.
        public var host: String

        /// Every stored property, as the memberwise initializer had it (another target builds it).
        package init(rank: Int, host: String) {
            self.rank = rank
            self.host = host
        }
    }

    /// Sweeps and stages that stopped early (`early_stops` in summary.json), when some did.
    public var earlyStops: [EarlyStopSummary]? = nil
    /// Tasks cancelled by an early stop (`stop_when:`, `race:`).
    public var tasksCancelled = 0
    /// Tasks of sweeps and stages that stopped early and did not succeed (cancelled, failed or
    /// never started): the stop settled them, so they neither fail the run nor wait for a resume.
    public var tasksSettledByEarlyStops = 0
    /// Tasks cancelled by `mpibatch cancel` (this part's and earlier parts'): settled, they
    /// neither fail the run nor run again on `--resume` (unless `--retry-cancelled`).
    public var tasksCancelledByUser = 0
    /// Failures inside sweeps and stages that stopped early (a search's misses before its hit).
    public var failuresInStoppedScopes = 0

    /// Every stored property, as the memberwise initializer had it (another target builds it).
    package init(
        name: String, chunkPolicy: ChunkPolicy, tasksTotal: Int, tasksSucceeded: Int, tasksFailed: Int,
        attempts: Int, wallSeconds: Double, taskSeconds: Double, slotsPerRank: [Int], stopReason: String? = nil,
        interrupted: Bool, unresponsiveRanks: [LostRank], ranks: [Rank], slots: [Slot], failures: [Failure],
        extraLines: [String], parts: [RunPart] = [], tasksRerunChanged: Int = 0, findings: [Finding] = [],
        journalFailure: String? = nil, coreWeighted: Bool = false, lostSilentNode: Bool = false,
        reportPage: String? = nil, monteCarlo: MonteCarloSummary? = nil, stageGraph: StageGraphSummary? = nil,
        stageMonteCarlo: [String: MonteCarloSummary]? = nil, earlyStops: [EarlyStopSummary]? = nil,
        tasksCancelled: Int = 0, tasksSettledByEarlyStops: Int = 0, tasksCancelledByUser: Int = 0,
        failuresInStoppedScopes: Int = 0
    ) {
        self.name = name
        self.chunkPolicy = chunkPolicy
        self.tasksTotal = tasksTotal
        self.tasksSucceeded = tasksSucceeded
        self.tasksFailed = tasksFailed
        self.attempts = attempts
        self.wallSeconds = wallSeconds
        self.taskSeconds = taskSeconds
        self.slotsPerRank = slotsPerRank
        self.stopReason = stopReason
        self.interrupted = interrupted
        self.unresponsiveRanks = unresponsiveRanks
        self.ranks = ranks
        self.slots = slots
        self.failures = failures
        self.extraLines = extraLines
        self.parts = parts
        self.tasksRerunChanged = tasksRerunChanged
        self.findings = findings
        self.journalFailure = journalFailure
        self.coreWeighted = coreWeighted
        self.lostSilentNode = lostSilentNode
        self.reportPage = reportPage
        self.monteCarlo = monteCarlo
        self.stageGraph = stageGraph
        self.stageMonteCarlo = stageMonteCarlo
        self.earlyStops = earlyStops
        self.tasksCancelled = tasksCancelled
        self.tasksSettledByEarlyStops = tasksSettledByEarlyStops
        self.tasksCancelledByUser = tasksCancelledByUser
        self.failuresInStoppedScopes = failuresInStoppedScopes
    }

    /// Whether the run failed (exit status 1): a task failed for good outside a sweep or stage
    /// that stopped early, some task neither succeeded nor was settled by an early stop or the
    /// user's cancel (of it, or of a stage upstream of it), or a stage failed (one whose
    /// run-time table could not be read fails without a task).
    public var endsFailed: Bool {
        let settled = tasksSettledByEarlyStops + tasksCancelledByUser + (stageGraph?.tasksSkippedAfterCancel ?? 0)
        return tasksFailed > failuresInStoppedScopes || tasksSucceeded + settled < tasksTotal
            || stageGraph?.stagesFailed.isEmpty == false
    }

    /// The run's exit status: 4 a node or rank was lost, 3 interrupted (resumable), 1 failed, 0 all done.
    public var exitStatus: Int32 {
        !unresponsiveRanks.isEmpty ? 4 : interrupted ? 3 : endsFailed ? 1 : 0
    }

    /// One rank's figures.
    public struct Rank: Sendable, Encodable {
        public var rank: Int
        public var host: String
        public var slots: Int
        public var tasks: Int
        public var busySeconds: Double
        /// CPU seconds of the rank's process and of the command tasks it ran.
        public var cpuSeconds: Double
        /// The largest peak resident memory of one of its command tasks, in bytes (0: none measured).
        public var maxTaskRSSBytes = 0

        /// Every stored property, as the memberwise initializer had it (another target builds it).
        package init(
            rank: Int, host: String, slots: Int, tasks: Int, busySeconds: Double, cpuSeconds: Double,
            maxTaskRSSBytes: Int = 0
        ) {
            self.rank = rank
            self.host = host
            self.slots = slots
            self.tasks = tasks
            self.busySeconds = busySeconds
            self.cpuSeconds = cpuSeconds
            self.maxTaskRSSBytes = maxTaskRSSBytes
        }

        enum CodingKeys: String, CodingKey {
            case rank, host, slots, tasks, busySeconds = "busy_seconds", cpuSeconds = "cpu_seconds"
            case maxTaskRSSBytes = "max_task_rss_bytes"
        }
    }

    /// One slot's figures.
    public struct Slot: Sendable, Codable {
        public var rank: Int
        public var slot: Int
        public var tasks: Int
        public var busySeconds: Double

        /// Every stored property, as the memberwise initializer had it (another target builds it).
        package init(rank: Int, slot: Int, tasks: Int, busySeconds: Double) {
            self.rank = rank
            self.slot = slot
            self.tasks = tasks
            self.busySeconds = busySeconds
        }

        enum CodingKeys: String, CodingKey { case rank, slot, tasks, busySeconds = "busy_seconds" }
    }

    /// One task that failed for good.
    public struct Failure: Sendable, Codable {
        public var index: Int
        public var rank: Int
        public var attempt: Int
        public var status: TaskStatus
        public var error: String

        /// Every stored property, as the memberwise initializer had it (another target builds it).
        package init(index: Int, rank: Int, attempt: Int, status: TaskStatus, error: String) {
            self.index = index
            self.rank = rank
            self.attempt = attempt
            self.status = status
            self.error = error
        }

        enum CodingKeys: String, CodingKey { case index, rank, attempt, status, error }
    }

    /// What one unit of work is called: a Monte Carlo run's are `block`s, every other run's `task`s.
    public var workUnit: String { monteCarlo == nil ? "task" : "block" }
    /// This part's wall seconds: what its ranks' and slots' utilisation is measured against.
    public var partWallSeconds: Double { parts.last?.wallSeconds ?? wallSeconds }
    /// All slots of all ranks.
    public var totalSlots: Int { slotsPerRank.reduce(0, +) }
    /// Summed task time ÷ wall time.
    public var speedup: Double { wallSeconds > 0 ? taskSeconds / wallSeconds : 0 }
    /// Speedup ÷ slots.
    public var efficiency: Double { totalSlots > 0 ? speedup / Double(totalSlots) : 0 }
    /// Attempts finished per wall second.
    public var throughput: Double { wallSeconds > 0 ? Double(attempts) / wallSeconds : 0 }
    /// Slot time not spent in tasks, per attempt: the runtime's cost of dispatching one task.
    public var overheadSecondsPerTask: Double {
        attempts > 0 ? max(0, wallSeconds * Double(totalSlots) - taskSeconds) / Double(attempts) : 0
    }
    /// Max ÷ mean of the ranks' busy times, minus 1.
    public var imbalance: Double {
        let mean = ranks.map(\.busySeconds).reduce(0, +) / Double(max(1, ranks.count))
        return mean > 0 ? (ranks.map(\.busySeconds).max() ?? 0) / mean - 1 : 0
    }
}
