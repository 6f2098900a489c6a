import MPIBatchCore
import MPIBatchJob
import MPIBatchPlan
import MPIBatchRuntime
import Synchronization

/// A stage whose sweep's table is read at run time (`RunTimeTable`), as every rank runs it:
/// its `SweepWorkload` is built from the frozen table in the stage's directory the first
/// time one of its tasks is run or journaled (rank 0 froze it before handing any out).
final class RunTimeStage: Workload {
    private let sweep: SweepSpec
    private let table: RunTimeTable
    private let jobSeed: UInt64
    private let kernels: KernelRegistry
    private let values: StageValues
    private let directory: String
    private let workerSharing: StageWorkerSharing
    private let built = Mutex<SweepWorkload?>(nil)

    /// The stage of `sweep` (with `table`), working in `directory`, its workers shared by `workerSharing`.
    init(
        sweep: SweepSpec, table: RunTimeTable, jobSeed: UInt64, kernels: KernelRegistry, values: StageValues, directory: String,
        workerSharing: StageWorkerSharing
    ) {
        self.workerSharing = workerSharing
        self.sweep = sweep
        self.table = table
        self.jobSeed = jobSeed
        self.kernels = kernels
        self.values = values
        self.directory = directory
    }

    /// Rank 0, when the stage becomes ready: freezes the table (unless an earlier part of the
    /// run did) and returns its row count.
    func expand() throws(RunTimeTableError) -> Int { try table.freeze(into: directory, directoryOf: values.stageDirectory) }

    /// The stage's workload, from the frozen table.
    func workload() throws -> SweepWorkload {
        try built.withLock { (built) throws -> SweepWorkload in
            if let built { return built }
            var expanded = sweep
            expanded.space = try table.expand(in: directory)
            expanded.runTimeTable = nil
            let workload = try SweepWorkload(
                sweep: expanded, jobSeed: jobSeed, kernels: kernels, stageValues: values, workerSharing: workerSharing)
            built = workload
            return workload
        }
    }

    /// Its room in the index space: `max_tasks:`.
    var taskCount: Int { table.maxTasks }

    /// Runs local task `task.index` of the expanded sweep.
    func run(_ task: TaskContext) async throws -> TaskValue { try await workload().run(task) }

    /// The declared `retries:`.
    var retries: Int { sweep.task.retries }

    /// The declared `cores:` (a count taken from a column is read once the table is there).
    func cores(of index: Int) -> Int { (try? workload().cores(of: index)) ?? sweep.task.cores.largest }

    /// The widest declared task.
    var widestTask: (cores: Int, place: String) { (sweep.task.cores.largest, sweep.task.cores.place) }

    /// The declared `gpus:` and `memory:`.
    func resources(of index: Int) -> TaskResources { sweep.task.resources }

    /// The declared `gpus:` and `memory:`.
    var largestResources: TaskResources { sweep.task.resources }

    /// Task `index`'s parameters (an empty object before the table exists).
    func writeParameters(of index: Int, to json: inout JSONWriter) {
        if let workload = try? workload() {
            workload.writeParameters(of: index, to: &json)
        } else {
            json.beginObject()
            json.endObject()
        }
    }

    /// Whether its tasks run a process each attempt (known from the task, table or not).
    func runsProcess(_ index: Int) -> Bool { sweep.task.action.runsProcess }

    /// For `plan`: the size is known at run time.
    var planDescription: String { "size known at run time (at most \(table.maxTasks) tasks, from table: \"\(table.source)\")" }
}
