/// The `sweep:` and `task:` sections of a job file, or a plain task file:
/// an index space and what each of its tasks does.
public struct SweepSpec: Sendable {
    /// The task index space (`grid`, `zip`, `table`, `repeat`).
    public var space: IndexSpace
    /// What each task does.
    public var task: TaskSpec
    /// The directory of the job file, against which relative `cwd:` and `table:` paths were resolved.
    public var jobDirectory: String
    /// `stop_when:` or `race: true` of a job's sweep; a stage's are the stage's own.
    public var earlyStop: EarlyStopSpec?
    /// A stage's table read when the stage becomes ready; `space` is then a placeholder.
    public var runTimeTable: RunTimeTable?

    /// How many tasks the sweep has: with a run-time table, the most it may have.
    public var taskCount: Int { runTimeTable?.maxTasks ?? space.taskCount }

    /// Makes a spec; the job loader does this.
    public init(space: IndexSpace, task: TaskSpec, jobDirectory: String) {
        self.space = space
        self.task = task
        self.jobDirectory = jobDirectory
    }
}
