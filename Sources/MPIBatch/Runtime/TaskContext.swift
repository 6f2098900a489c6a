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

    /// Makes a context; the runtime does this for every task.
    public init(index: Int, attempt: Int, rank: Int, slot: Int, outputDirectory: String) {
        self.index = index
        self.attempt = attempt
        self.rank = rank
        self.slot = slot
        self.outputDirectory = outputDirectory
    }
}
