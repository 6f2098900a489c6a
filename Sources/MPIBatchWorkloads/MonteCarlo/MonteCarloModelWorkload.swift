import MPIBatchCore
import MPIBatchJob
import MPIBatchJournal
import MPIBatchPlan
import MPIBatchRuntime
import MPIBatchScheduling

/// A `montecarlo:` job of a user's model (`python:` or `worker:`): each block goes to the
/// slot's persistent worker, which calls the function once for the block (`calls: block`)
/// or once per path (`calls: path`) and sends the path values back as float64; they are
/// checked (`MonteCarloBlockValues`) and folded in path order into the block's accumulator,
/// so the reduction is the kernels' own (`MonteCarloBlocks`).
public struct MonteCarloModelWorkload: MonteCarloBlocks {
    /// The job's `montecarlo:` section.
    public let spec: MonteCarloSpec
    /// Its model.
    public let model: MonteCarloModel
    /// The number of blocks, ⌈paths / block⌉.
    public let taskCount: Int
    private let tasks: MonteCarloModelTasks
    private let workers: WorkerPool

    /// The workload of `spec`, whose `model` must be set; the error names the field at fault.
    public init(spec: MonteCarloSpec, onlyPath: Int? = nil) throws(MonteCarloSpecError) {
        try spec.checkCounts()
        guard let model = spec.model else { throw MonteCarloSpecError(field: "python", message: "needs python: or worker:") }
        self.spec = spec
        self.model = model
        taskCount = spec.blockCount
        tasks = MonteCarloModelTasks(spec: spec, model: model, onlyPath: model.calls == .path ? onlyPath : nil)
        let space = IndexSpace(axes: [])!
        let expansion = TemplateExpansion(space: space, jobSeed: spec.seed, jobDirectory: model.worker.jobDirectory)
        workers = WorkerPool(
            launch: WorkerLaunch(spec: model.worker, task: model.task, expansion: expansion), task: model.task, tasks: tasks)
    }

    /// The value of the model's `reference:` function for its `params` (asked of its
    /// interpreter on rank 0, as the reducer is made); nil without one, or when it fails.
    public var reference: MonteCarloReference? {
        guard let name = model.reference, case .python(let module, _, let interpreter) = model.worker.program else { return nil }
        var arguments = JSONWriter(capacity: 128)
        model.writeParams(to: &arguments)
        return PythonProbe.number(
            module: module, function: name, arguments: String(decoding: arguments.bytes, as: UTF8.self),
            directory: model.worker.jobDirectory, interpreter: interpreter
        ).map { MonteCarloReference(name: name, value: $0) }
    }

    /// `retries:` of the model.
    public var retries: Int { model.task.retries }

    /// Which interpreter runs a `python:` model: as slot 0's worker said at its handshake
    /// (`resultEnvironment`), else asked of the interpreter.
    public var startNotes: [String] {
        guard case .python(_, _, let interpreter) = model.worker.program else { return [] }
        return ["python: model runs under " + (workers.slot(0).workerDescription ?? PythonProbe.describe(interpreter) ?? interpreter)]
    }

    /// Spawns the model's workers of rank `rank`'s slots `slots` at once.
    public func prestartWorkers(rank: Int, slots: Range<Int>, outputDirectory: String) {
        workers.prestart(rank: rank, slots: slots, outputDirectory: outputDirectory)
    }

    /// What rank 0's first worker (slot 0's, started now and kept for its blocks) says at its
    /// handshake it runs under: the Python worker's interpreter and numpy versions, a
    /// `worker:`'s `environment` if it sends one. nil when it says nothing or cannot start
    /// (its first block then fails with why, as without this question).
    public func resultEnvironment(outputDirectory: String) async -> RunEnvironment? {
        let first = TaskContext(index: 0, attempt: 1, rank: 0, slot: 0, outputDirectory: outputDirectory)
        return try? await workers.slot(0).startedEnvironment(first)
    }

    /// Starts slot `slot`'s worker (takes the one `prestartWorkers` spawned) and reads its
    /// handshake before the slot asks for blocks: blocks handed to a slot whose worker still
    /// imports numpy would wait for it while the other slots ran out of work. The wait is
    /// its first block's worker start-up; a worker that cannot start fails that block as before.
    public func awaitWorker(rank: Int, slot: Int, outputDirectory: String) async {
        let first = TaskContext(index: 0, attempt: 1, rank: rank, slot: slot, outputDirectory: outputDirectory)
        _ = try? await workers.slot(slot).startedEnvironment(first)
    }

    /// Every worker of this rank must say it runs under `environment` (rank 0's first worker's).
    public func expectEnvironment(_ environment: RunEnvironment) { workers.expect(environment) }

    /// Block `task.index` on the slot's worker; its value is the block's accumulator. With
    /// `paths_out:`, each path's value is also written; without, the worker's float64 values
    /// are folded where the slot received them (`MonteCarloBlockValues.accumulate(float64s:)`).
    public func run(_ task: TaskContext) async throws -> TaskValue {
        let check = MonteCarloBlockValues(block: task.index, paths: tasks.paths(of: task.index), model: spec.kernel)
        guard let directory = pathsDirectory(for: task) else {
            var folded = false
            let value = try await workers.slot(task.slot).run(task, batchEnd: task.batchEnd) { bytes in
                folded = true
                do { return .success(try check.accumulate(float64s: bytes).taskValue) } catch { return .failure(error) }
            }
            return folded ? value : try check.accumulate(value).taskValue  // a value that was no float64 frame fails there
        }
        let values = try await workers.slot(task.slot).run(task, batchEnd: task.batchEnd)
        var file = MonteCarloPathsFile()
        let accumulator = try check.accumulate(values) { path, value in file.add(path: path, value: value) }
        try file.write(block: task.index, to: directory)
        return accumulator.taskValue
    }


    /// Path `path`'s value as the run computes it, on a worker of its own: the path alone
    /// (`calls: path`, when the workload was made with `onlyPath: path`) or its whole block
    /// (`calls: block`: its stream is the block's); NaN and infinities are returned as they
    /// are. What the worker prints goes to `logs/` under `outputDirectory`.
    public func value(ofPath path: Int, outputDirectory: String) async throws -> Double {
        let block = path / spec.block
        let context = TaskContext(index: block, attempt: 1, rank: 0, slot: 0, outputDirectory: outputDirectory)
        let value = try await workers.slot(0).run(context, batchEnd: block + 1)
        let paths = tasks.paths(of: block)
        guard case .numbers(let values) = value, values.count == paths.count, paths.contains(path) else {
            _ = try MonteCarloBlockValues(block: block, paths: paths, model: spec.kernel).accumulate(value)
            throw MonteCarloBlockError(description: "path \(path) is not among the values of block \(block)")
        }
        return values[path - paths.lowerBound]
    }
}
