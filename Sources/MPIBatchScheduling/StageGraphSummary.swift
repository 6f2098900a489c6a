/// What a stage graph adds to `summary.json`, beside the run's own fields: the measured
/// critical path and the best speedup it allows, the graph's wall time and concurrency, the
/// failed and skipped stages, the warnings, and each stage's figures under `stages`.
public struct StageGraphSummary: Codable, Sendable, Equatable {
    /// The longest path under measured stage durations, in seconds.
    public var criticalPathSeconds: Double
    /// Summed task seconds ÷ `criticalPathSeconds`.
    public var maxSpeedup: Double
    /// From the first dispatch to the last stage end, in seconds.
    public var graphWallSeconds: Double
    /// Summed task seconds ÷ `graphWallSeconds`.
    public var meanConcurrency: Double
    /// The most tasks in flight at once.
    public var peakTasksInFlight: Int
    /// The most stages running at once.
    public var peakStagesRunning: Int
    /// The critical path's stages, in order.
    public var criticalPath: [String]
    /// Stages that failed, in file order.
    public var stagesFailed: [String]
    /// Stages skipped because a dependency failed, in file order.
    public var stagesSkipped: [String]
    /// Warnings the graph raised as it ran.
    public var warnings: [String]
    /// Stages `mpibatch cancel --stage` cancelled, in file order (nil: none was).
    public var stagesCancelled: [String]?
    /// Stages skipped because a stage upstream was cancelled (nil: none was cancelled).
    public var stagesSkippedAfterCancel: [String]?
    /// Their tasks: settled by the user's cancel, they do not fail the run (nil: none was cancelled).
    public var tasksSkippedAfterCancel: Int?
    /// Each stage's figures, by name.
    public var stages: [String: Stage]

    /// Every stored property, as the memberwise initializer had it (another target builds it).
    package init(
        criticalPathSeconds: Double, maxSpeedup: Double, graphWallSeconds: Double, meanConcurrency: Double,
        peakTasksInFlight: Int, peakStagesRunning: Int, criticalPath: [String], stagesFailed: [String],
        stagesSkipped: [String], warnings: [String], stages: [String: Stage]
    ) {
        self.criticalPathSeconds = criticalPathSeconds
        self.maxSpeedup = maxSpeedup
        self.graphWallSeconds = graphWallSeconds
        self.meanConcurrency = meanConcurrency
        self.peakTasksInFlight = peakTasksInFlight
        self.peakStagesRunning = peakStagesRunning
        self.criticalPath = criticalPath
        self.stagesFailed = stagesFailed
        self.stagesSkipped = stagesSkipped
        self.warnings = warnings
        self.stages = stages
    }

    /// One stage's figures; times in seconds, `start` and `end` on rank 0's clock from the graph's start.
    public struct Stage: Codable, Sendable, Equatable {
        /// `succeeded`, `failed`, `cancelled`, `skipped`, `running`, `ready` or `waiting`.
        public var status: String
        /// Its depth in the graph (0: no dependencies).
        public var level: Int
        /// Its tasks.
        public var tasks: Int
        /// Its tasks that failed for good.
        public var tasksFailed: Int
        /// From its first dispatch to its last result (0 if it never ran).
        public var seconds: Double
        /// Its first dispatch and last result.
        public var start: Double, end: Double
        /// Summed seconds and CPU seconds of its final attempts.
        public var taskSeconds: Double, cpuSeconds: Double
        /// `cpuSeconds` ÷ `taskSeconds` (0 with no task time).
        public var cpuPerWall: Double
        /// The largest peak resident memory of one of its tasks, in bytes.
        public var maxRSSBytes: Int

        /// Every stored property, as the memberwise initializer had it (another target builds it).
        package init(
            status: String, level: Int, tasks: Int, tasksFailed: Int, seconds: Double, start: Double, end: Double,
            taskSeconds: Double, cpuSeconds: Double, cpuPerWall: Double, maxRSSBytes: Int
        ) {
            self.status = status
            self.level = level
            self.tasks = tasks
            self.tasksFailed = tasksFailed
            self.seconds = seconds
            self.start = start
            self.end = end
            self.taskSeconds = taskSeconds
            self.cpuSeconds = cpuSeconds
            self.cpuPerWall = cpuPerWall
            self.maxRSSBytes = maxRSSBytes
        }

        enum CodingKeys: String, CodingKey {
            case status, level, tasks, tasksFailed = "tasks_failed", seconds, start, end, taskSeconds = "task_seconds"
            case cpuSeconds = "cpu_seconds", cpuPerWall = "cpu_per_wall", maxRSSBytes = "max_rss_bytes"
        }
    }

    enum CodingKeys: String, CodingKey {
        case criticalPathSeconds = "critical_path_seconds", maxSpeedup = "max_speedup", graphWallSeconds = "graph_wall_seconds"
        case meanConcurrency = "mean_concurrency", peakTasksInFlight = "peak_tasks_in_flight"
        case peakStagesRunning = "peak_stages_running", criticalPath = "critical_path", stagesFailed = "stages_failed"
        case stagesSkipped = "stages_skipped", warnings, stages, stagesCancelled = "stages_cancelled"
        case stagesSkippedAfterCancel = "stages_skipped_after_cancel", tasksSkippedAfterCancel = "tasks_skipped_after_cancel"
    }
}
