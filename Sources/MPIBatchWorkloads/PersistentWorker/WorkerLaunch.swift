import Foundation
import MPIBatchJob
import MPIBatchPlan
import MPIBatchRuntime

/// How a slot starts its worker: the argv (the Python worker, or `worker: {command:}`
/// rendered for the task that starts it), the environment and the directory.
struct WorkerLaunch: Sendable {
    /// The worker's spec.
    let spec: WorkerSpec
    /// The task's `env:` and `cwd:`.
    private let task: TaskSpec
    private let expansion: TemplateExpansion
    /// The rank's environment minus what the worker gets set for it, built once.
    private let inherited: CommandEnvironment
    /// In a stage graph: how its workers are shared with other stages.
    let sharing: StageWorkerSharing?

    /// The variables set to the worker's cores, so N numpy workers do not start N² BLAS threads.
    static let threadVariables = ["OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"]

    /// For `task`, whose action is `spec`, under `expansion`; in a stage graph, `sharing`
    /// says how its workers serve other stages.
    init(spec: WorkerSpec, task: TaskSpec, expansion: TemplateExpansion, sharing: StageWorkerSharing? = nil) {
        self.spec = spec
        self.sharing = sharing
        self.task = task
        self.expansion = expansion
        let replaced = Set(task.environment.map(\.name)).union(TaskIdentity.names).union(Self.threadVariables)
            .union([WorkerProcess.descriptorsVariable, PythonWorkerScript.sourceVariable, PythonWorkerScript.shippedVariable])
        inherited = CommandEnvironment(
            ProcessInfo.processInfo.environment
                .filter { !replaced.contains($0.key) && LauncherVariables.passesToTasks($0.key) }
                .map { "\($0.key)=\($0.value)" })
    }

    /// What `WorkerProcess` starts.
    struct Resolved {
        /// The whole argv.
        var arguments: [String]
        /// The shared part of the environment.
        var inherited: CommandEnvironment
        /// The worker's own `NAME=value` strings, after the inherited ones.
        var environment: [String]
        /// Where it runs; nil: here.
        var workingDirectory: String?
        /// The worker, for messages: `python model:price (python3)`.
        var description: String
    }

    /// The worker that task `context` starts on its slot, with `cores` cores.
    func resolved(for context: TaskContext, cores: Int) -> Resolved {
        let index = context.index
        let arguments: [String]
        var environment: [String] = []
        switch spec.program {
        case .python(let module, let function, let interpreter):
            arguments =
                [interpreter, "-c", PythonWorkerScript.bootstrap, module, function, spec.jobDirectory]
                + (spec.runsMonteCarlo ? ["montecarlo"] : [])
            environment.append("\(PythonWorkerScript.sourceVariable)=\(PythonWorkerScript.source)")
            if let shipped = PythonWorkerScript.shippedSource(of: module) {
                environment.append("\(PythonWorkerScript.shippedVariable)=\(shipped)")
            }
        case .command(let argv):
            arguments = argv.map { expansion.render($0, at: index) }
        }
        environment += [
            "MPIBATCH_RANK=\(context.rank)", "MPIBATCH_SLOT=\(context.slot)",
            "MPIBATCH_OUT=\(URL(fileURLWithPath: context.outputDirectory).standardizedFileURL.path)",
            "\(WorkerProcess.descriptorsVariable)=\(WorkerProcess.descriptors.tasks),\(WorkerProcess.descriptors.results)",
        ]
        let own = Set(task.environment.map(\.name))
        environment += Self.threadVariables.filter { !own.contains($0) }.map { "\($0)=\(cores)" }
        environment += task.environment.map { "\($0.name)=\(expansion.render($0.value, at: index))" }
        return Resolved(
            arguments: arguments, inherited: inherited, environment: environment,
            workingDirectory: task.workingDirectory.map { expansion.render($0, at: index) }, description: spec.summary)
    }

    /// What makes two stages' workers the same worker: its argv, its environment and its
    /// directory as `resolved` says, without what only names the stage (`sharing`).
    func identity(of resolved: Resolved) -> String {
        let stageVariables = sharing?.stageVariables ?? []
        let own = resolved.environment.filter { !stageVariables.contains(String($0.prefix { $0 != "=" })) }
        let directory = resolved.workingDirectory == sharing?.stageDirectory ? nil : resolved.workingDirectory
        return (resolved.arguments + ["\u{0}"] + own + ["\u{0}", directory ?? ""]).joined(separator: "\u{0}")
    }
}
