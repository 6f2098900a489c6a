import Dispatch
import MPIBatchCore
import MPIBatchJob
import MPIBatchScheduling

/// Runs a workload's tasks, on every rank: task `i` from `i` alone.
public protocol TaskExecutor: IndexedTasks {
    /// How many times a failed task is tried again.
    var retries: Int { get }
    /// How many times task `index` is tried again when it fails (stages differ).
    func retries(of index: Int) -> Int
    /// Runs one task; a thrown error records it as failed, `TaskTimeout` as timed out.
    func run(_ task: TaskContext) async throws -> TaskValue
    /// How many slots of its rank task `index` occupies while it runs (`cores:`).
    func cores(of index: Int) -> Int
    /// The most cores a task asks for, and where (`path:line:col`): more than a rank's slots is refused before work starts.
    var widestTask: (cores: Int, place: String) { get }
    /// What task `index` takes from its node's pools (`gpus:`, `memory:`).
    func resources(of index: Int) -> TaskResources
    /// The largest `gpus:` and `memory:` any task asks for, with their places: checked against every node before work starts.
    var largestResources: TaskResources { get }
    /// Sets what every worker of this rank must say it runs under (rank 0's first worker's
    /// `resultEnvironment`), before any task runs; a worker that says another cannot start.
    func expectEnvironment(_ environment: RunEnvironment)
    /// Starts the workers of this rank's slots `slots` now, before any task, so that their
    /// start-up (a Python interpreter's, `import numpy`) overlaps the run's own and each
    /// other's; a worker that cannot start says so at its slot's first task, as without this.
    func prestartWorkers(rank: Int, slots: Range<Int>, outputDirectory: String)
    /// Returns once slot `slot`'s worker on rank `rank` has started (its handshake read; it is
    /// started now if `prestartWorkers` did not), before the slot asks for any task: a slot
    /// whose worker is still starting then holds no chunk that the rank's other slots and the
    /// other ranks could run meanwhile. A worker that cannot start says so at the slot's first
    /// task, as without this.
    func awaitWorker(rank: Int, slot: Int, outputDirectory: String) async
    /// Ends the persistent workers this rank still keeps for later tasks, the run being over:
    /// each has its task socket closed and exits (see `WorkerRetirement`), `ended` entered until
    /// it is gone. Every rank calls it once its part of the run is done, before MPI's finalize.
    func retireWorkers(ended: DispatchGroup)
}

extension TaskExecutor {
    /// No retries unless the workload says so.
    public var retries: Int { 0 }
    /// The same for every task unless the workload says otherwise.
    public func retries(of index: Int) -> Int { retries }
    /// One core per task unless the workload says otherwise.
    public func cores(of index: Int) -> Int { 1 }
    /// One core per task unless the workload says otherwise.
    public var widestTask: (cores: Int, place: String) { (1, "") }
    /// Nothing beyond cores unless the workload says otherwise.
    public func resources(of index: Int) -> TaskResources { .none }
    /// Nothing beyond cores unless the workload says otherwise.
    public var largestResources: TaskResources { .none }
    /// Nothing to check unless the workload runs workers that report it.
    public func expectEnvironment(_ environment: RunEnvironment) {}
    /// Nothing to start unless the workload runs persistent workers.
    public func prestartWorkers(rank: Int, slots: Range<Int>, outputDirectory: String) {}
    /// Nothing to wait for unless the workload runs persistent workers.
    public func awaitWorker(rank: Int, slot: Int, outputDirectory: String) async {}
    /// Nothing to end unless the workload keeps persistent workers between tasks.
    public func retireWorkers(ended: DispatchGroup) {}
}
