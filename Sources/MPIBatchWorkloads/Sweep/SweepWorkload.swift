import MPIBatchCore
import MPIBatchJob
import MPIBatchPlan
import MPIBatchRuntime
import MPIBatchScheduling

/// A parameter sweep (or plain task file) as the runtime executes it: task `i`
/// is expanded from `i` alone, and the per-task work is precomputed at init so
/// a `kernel: noop` sweep costs next to nothing per task.
public struct SweepWorkload: Workload {
    /// The sweep it runs.
    public let sweep: SweepSpec
    /// Fills in templates (`{seed}` derives from the job seed).
    public let expansion: TemplateExpansion
    private let executor: Executor

    private enum Executor: Sendable {
        /// A kernel whose arguments never change: the same `KernelArguments` for every task.
        case constantKernel(any Kernel, KernelArguments)
        /// A kernel with templated arguments, expanded per task on top of the constant ones.
        case templatedKernel(any Kernel, KernelArguments, [(name: String, template: Template)])
        /// `command:` or `shell:`.
        case command(CommandLauncher)
        /// `python:` or `worker:`: the slot's persistent worker.
        case worker(WorkerTasks)
    }

    /// Builds the workload for `job`, whose body must be a sweep.
    public init(job: JobSpec, kernels: KernelRegistry = .builtIn) throws(SweepWorkloadError) {
        guard case .sweep(let sweep) = job.body else { throw .notASweep(job: job.name) }
        try self.init(sweep: sweep, jobSeed: job.seed, kernels: kernels)
    }

    /// Builds the workload for `sweep` with job seed `jobSeed`; in a stage graph,
    /// `stageValues` fills in `{stages.NAME.value}` and `workerSharing` lets its workers
    /// serve the graph's other stages.
    init(
        sweep: SweepSpec, jobSeed: UInt64, kernels: KernelRegistry = .builtIn,
        stageValues: StageValues = StageValues(directory: nil), workerSharing: StageWorkerSharing? = nil
    ) throws(SweepWorkloadError) {
        self.sweep = sweep
        expansion = TemplateExpansion(sweep: sweep, jobSeed: jobSeed, stageValues: stageValues)
        switch sweep.task.action {
        case .kernel(let name, let arguments):
            guard let kernel = kernels.kernel(named: name) else {
                throw .unknownKernel(name: name, known: kernels.names)
            }
            var constants = KernelArguments()
            var templated: [(name: String, template: Template)] = []
            for argument in arguments {
                switch argument.value {
                case .constant(let value): constants.values[argument.name] = value
                case .template(let template): templated.append((argument.name, template))
                }
            }
            executor = templated.isEmpty ? .constantKernel(kernel, constants) : .templatedKernel(kernel, constants, templated)
        case .command, .shell:
            executor = .command(CommandLauncher(spec: sweep.task, expansion: expansion))
        case .worker(let worker):
            executor = .worker(WorkerTasks(spec: worker, task: sweep.task, expansion: expansion, sharing: workerSharing))
        }
    }

    /// The number of points in the sweep (times `repeat`).
    public var taskCount: Int { sweep.space.taskCount }

    /// `retries:` of the task.
    public var retries: Int { sweep.task.retries }

    /// The sweep's `stop_when:` or `race:`, over all its tasks.
    public var stopRules: [StopRule] {
        sweep.earlyStop.map { [StopRule(scope: "sweep", range: 0..<taskCount, spec: $0)] } ?? []
    }

    /// `cores:` of task `index`.
    public func cores(of index: Int) -> Int { sweep.task.cores.count(at: index, in: sweep.space) }

    /// The largest `cores:` and where it was declared.
    public var widestTask: (cores: Int, place: String) { (sweep.task.cores.largest, sweep.task.cores.place) }

    /// `gpus:` and `memory:`, the same for every task.
    public func resources(of index: Int) -> TaskResources { sweep.task.resources }

    /// `gpus:` and `memory:`, the same for every task.
    public var largestResources: TaskResources { sweep.task.resources }

    /// Which shell runs the tasks, when they are shell lines and it is not bash by default.
    public var startNotes: [String] {
        if case .worker(let worker) = sweep.task.action, case .python(_, _, let interpreter) = worker.program {
            return ["python: tasks run under " + (PythonProbe.describe(interpreter) ?? interpreter)]
        }
        guard case .shell = sweep.task.action, sweep.task.shellProgram == nil, let note = ShellProgram.standard.note else { return [] }
        return [note]
    }

    /// Task `index`'s parameters, `replicate` included when `repeat:` is used.
    public func writeParameters(of index: Int, to json: inout JSONWriter) {
        sweep.space.writeParameters(of: index, to: &json)
    }

    /// Runs task `task.index` once.
    public func run(_ task: TaskContext) async throws -> TaskValue {
        switch executor {
        case .constantKernel(let kernel, let arguments):
            return try await kernel.run(arguments, context: task)
        case .templatedKernel(let kernel, var arguments, let templated):
            for (name, template) in templated {
                arguments.values[name] = expansion.parameterValue(template, at: task.index)
            }
            return try await kernel.run(arguments, context: task)
        case .command(let launcher):
            return try await launcher.run(task)
        case .worker(let workers):
            return try await workers.run(task)
        }
    }

    /// Spawns the workers of a `python:` or `worker:` sweep (or stage of a graph) for rank
    /// `rank`'s slots `slots` now, its tasks running in `outputDirectory` (`WorkerPool.prestart`),
    /// so that their start-up (an interpreter's, the user's imports) overlaps MPI's and the
    /// run's own; nothing for other tasks.
    public func prestartWorkers(rank: Int, slots: Range<Int>, outputDirectory: String) {
        guard case .worker(let workers) = executor else { return }
        workers.pool.prestart(rank: rank, slots: slots, outputDirectory: outputDirectory)
    }

    /// What task `index` would run, for `plan`: the argv, the shell line or the kernel call.
    public func describeTask(_ index: Int) -> String { TaskDescription.of(sweep.task, at: index, expansion: expansion) }
}

/// Why a job cannot become a `SweepWorkload`.
public enum SweepWorkloadError: Error, Sendable, CustomStringConvertible {
    /// The job is not a sweep (e.g. `montecarlo:`).
    case notASweep(job: String)
    /// The task names a kernel the registry lacks.
    case unknownKernel(name: String, known: [String])

    /// A message naming the culprit.
    public var description: String {
        switch self {
        case .notASweep(let job): "job '\(job)' is not a sweep"
        case .unknownKernel(let name, let known):
            "unknown kernel '\(name)'" + DidYouMean.suffix(for: name, among: known)
        }
    }
}

extension SweepWorkload: ReportsOwnUsage {
    /// `command:` and `shell:` tasks run a process each attempt; kernels run in the rank, and
    /// `python:` and `worker:` tasks in a worker that outlives them.
    public func runsProcess(_ index: Int) -> Bool { sweep.task.action.runsProcess }

    /// A command reports its rusage and a persistent worker the CPU time it says (no thread
    /// clock read per task: a system call); a kernel's CPU time is the thread's.
    package func reportsOwnUsage(of index: Int) -> Bool {
        switch executor {
        case .command, .worker: true
        case .constantKernel, .templatedKernel: false
        }
    }
}
