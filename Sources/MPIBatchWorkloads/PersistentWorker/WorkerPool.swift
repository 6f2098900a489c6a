import MPIBatchCore
import MPIBatchJob
import MPIBatchPlan
import MPIBatchRuntime
import Synchronization

/// A rank's persistent workers for one task spec: one `WorkerSlot` per slot, made on the
/// slot's first task, so a rank never runs more workers than it has slots.
final class WorkerPool: Sendable {
    private let makeSlot: @Sendable () -> WorkerSlot
    private let slots = Mutex<[Int: WorkerSlot]>([:])
    /// What its workers must say they run under, once rank 0 said it (`expect`).
    private let expected = ExpectedEnvironment()

    /// A pool whose slots run `launch`'s workers on tasks of `task`, written into batches by `tasks`.
    init(launch: WorkerLaunch, task: TaskSpec, tasks: any WorkerTaskWriter) {
        let timeout = task.timeout
        let maxOutput = task.maxOutput
        let cores = task.cores.largest
        makeSlot = { [expected] in
            WorkerSlot(launch: launch, tasks: tasks, timeout: timeout, maxOutput: maxOutput, cores: cores, expected: expected)
        }
    }

    /// Every worker started from now on must say at its handshake that it runs under
    /// `environment` (rank 0's first worker's), or it cannot start.
    func expect(_ environment: RunEnvironment) { expected.set(environment) }

    /// Spawns the workers of slots `slots` of rank `rank` now (`WorkerSlot.prestart`).
    func prestart(rank: Int, slots: Range<Int>, outputDirectory: String) {
        for number in slots {
            slot(number).prestart(TaskContext(index: 0, attempt: 1, rank: rank, slot: number, outputDirectory: outputDirectory))
        }
    }

    /// Slot `number`'s worker slot, made on first use.
    func slot(_ number: Int) -> WorkerSlot {
        slots.withLock { slots in
            if let slot = slots[number] { return slot }
            let slot = makeSlot()
            slots[number] = slot
            return slot
        }
    }
}

/// The executor of a `python:` or `worker:` task: each task goes to its slot's worker.
struct WorkerTasks: Sendable {
    /// The rank's workers.
    let pool: WorkerPool

    /// For `task`, whose action is `spec`, under `expansion`; in a stage graph, `sharing`
    /// lets a slot's worker serve the other stages that name the same worker.
    init(spec: WorkerSpec, task: TaskSpec, expansion: TemplateExpansion, sharing: StageWorkerSharing? = nil) {
        pool = WorkerPool(
            launch: WorkerLaunch(spec: spec, task: task, expansion: expansion, sharing: sharing), task: task,
            tasks: SweepWorkerTasks(expansion: expansion, arguments: spec.arguments))
    }

    /// Runs task `context.index` on its slot's worker, in a batch up to the end of its chunk.
    func run(_ context: TaskContext) async throws -> TaskValue {
        try await pool.slot(context.slot).run(context, batchEnd: context.batchEnd)
    }
}
