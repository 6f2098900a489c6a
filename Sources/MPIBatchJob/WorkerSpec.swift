/// A task run by a persistent worker process (`python:` or `worker:`), one per slot,
/// speaking the protocol of `docs/worker-protocol.md`.
public struct WorkerSpec: Sendable {
    /// What the worker is.
    public enum Program: Sendable {
        /// `python: "module:function"` run by the Python worker shipped in mpibatch, under `interpreter` (`python_program:`).
        case python(module: String, function: String, interpreter: String)
        /// `worker: {command: [...]}`: any program that speaks the protocol; argv templated.
        case command([Template])
    }

    /// The Python modules shipped inside mpibatch, which `python:` names with nothing to install:
    /// `mpibatch_dbt`, the dbt worker of `mpibatch import dbt` jobs.
    public static let shippedModules: Set<String> = ["mpibatch_dbt"]

    /// `startup_timeout:` when the task does not say: two minutes (an `import torch` takes seconds).
    public static let defaultStartupTimeout = 120.0

    /// What the worker is.
    public var program: Program
    /// `startup_timeout:`: seconds a worker has to answer its handshake.
    public var startupTimeout: Double
    /// The job file's directory: the Python worker looks for the module there first.
    public var jobDirectory: String
    /// `args:`: the function's keyword arguments (templated from the task's parameters and
    /// `{stages.NAME.value}`) instead of the parameters themselves; empty: the parameters.
    public var arguments: [TaskSpec.KernelArgument] = []
    /// Whether it runs a `montecarlo:` model's blocks: the Python worker then loads numpy at
    /// start-up and calls the function as the block's `montecarlo` member says.
    public var runsMonteCarlo = false

    /// Makes a spec; the job loader does this.
    public init(program: Program, startupTimeout: Double = WorkerSpec.defaultStartupTimeout, jobDirectory: String) {
        self.program = program
        self.startupTimeout = startupTimeout
        self.jobDirectory = jobDirectory
    }

    /// `python model:price (python3)` or the worker's argv, for people.
    public var summary: String {
        switch program {
        case .python(let module, let function, let interpreter): "python \(module):\(function) (\(interpreter))"
        case .command(let argv): argv.map(\.source).joined(separator: " ")
        }
    }
}
