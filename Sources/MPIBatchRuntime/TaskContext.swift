/// Everything a running task may know about itself.
public struct TaskContext: Sendable {
    /// The task's index in the workload's index space.
    public let index: Int
    /// 1 for the first try, 2 for the first retry, …
    public let attempt: Int
    /// The MPI rank running it.
    public let rank: Int
    /// The local pool slot running it.
    public let slot: Int
    /// The run's output directory (`--out`).
    public let outputDirectory: String
    /// Where a command task reports its exit status and output (its slot's, under a worker);
    /// nil: it reports to no one, and its output goes to rank `rank`'s log in `outputDirectory`.
    package let report: CommandReport?
    /// Where the chunk holding the task ends: tasks `index..<batchEnd` may run next on this
    /// slot, so a persistent worker may be sent them as one batch.
    package let batchEnd: Int
    /// Under `--bind cores`, the CPUs the task is pinned to (a command's process, from its
    /// start; `MPIBATCH_CORES`); empty: not pinned.
    package var cpus: [Int] = []
    /// The GPUs and memory the task holds from its node's pools (`gpus:`, `memory:`); nil when it asks for none.
    package var grant: ResourceGrant?

    /// Makes a context that reports to no one (see `report`).
    public init(index: Int, attempt: Int, rank: Int, slot: Int, outputDirectory: String) {
        self.init(index: index, attempt: attempt, rank: rank, slot: slot, outputDirectory: outputDirectory, report: nil)
    }

    /// Makes a context whose command task reports to `report` (the worker's, for its slot).
    package init(index: Int, attempt: Int, rank: Int, slot: Int, outputDirectory: String, report: CommandReport?, batchEnd: Int? = nil) {
        self.index = index
        self.attempt = attempt
        self.rank = rank
        self.slot = slot
        self.outputDirectory = outputDirectory
        self.report = report
        self.batchEnd = max(index + 1, batchEnd ?? index + 1)
    }
}
