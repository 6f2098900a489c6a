/// The `task:` section: what one task of a sweep does, with its templates parsed.
public struct TaskSpec: Sendable {
    /// What runs.
    public enum Action: Sendable {
        /// `command: [prog, arg, …]`: argv, never through a shell.
        case command([Template])
        /// `shell: "…"`: the shell (`shellProgram`) runs the script's line, with the values of
        /// its placeholders in environment variables (a task file's line runs as written).
        case shell(ShellScript)
        /// `kernel: NAME` with `args:`.
        case kernel(name: String, arguments: [KernelArgument])
        /// `python: "module:function"` or `worker: {command: [...]}`: a persistent worker per slot.
        case worker(WorkerSpec)

        /// Whether each attempt runs a process of its own (`command:`, `shell:`, a task file's
        /// line), not a kernel in the rank or a persistent worker that outlives its tasks.
        public var runsProcess: Bool {
            switch self {
            case .command, .shell: true
            case .kernel, .worker: false
            }
        }
    }

    /// One `args:` entry of a kernel task.
    public struct KernelArgument: Sendable {
        /// The argument's name.
        public let name: String
        /// Its value: a constant, or a template filled in per task.
        public let value: Value

        /// A constant or a template.
        public enum Value: Sendable {
            /// The same for every task.
            case constant(ParameterValue)
            /// Expanded per task (typed when it is exactly one `{name}`).
            case template(Template)
        }
    }

    /// `result:` — what becomes the task's value.
    public enum ResultCapture: Sendable, Equatable {
        /// `none`: no value.
        case none
        /// `stdout-json`: stdout, which must be one JSON document.
        case stdoutJSON
        /// `stdout-last-line`: the last non-empty line of stdout, as text.
        case stdoutLastLine
        /// `file:PATTERN`: that file (relative to the task's directory) after the task, JSON if it parses, else text.
        case file(Template)
    }

    /// `logs:` — where a command's stdout and stderr go.
    public enum LogMode: Sendable, Equatable {
        /// The default: appended to the rank's `logs/rank-R.out` and `.err`, each task's place
        /// recorded in its journal line (`mpibatch logs DIR INDEX` prints it).
        case rankFiles
        /// `logs: per-task`: files of its own, `logs/INDEX.out` and `.err`
        /// (`logs/INDEX.ATTEMPT.out` for a retry).
        case perTask
    }

    /// `max_output:` when the task does not say: 16 MiB of each stream.
    public static let defaultMaxOutput = 16 << 20
    /// The smallest and largest `max_output:` (each running task holds up to twice it in memory).
    public static let maxOutputRange = 1 << 10...1 << 30

    /// What runs.
    public var action: Action
    /// `cwd:`, already resolved against the job file's directory when relative; nil: mpibatch's own directory.
    public var workingDirectory: Template?
    /// `env:` additions, in file order.
    public var environment: [(name: String, value: Template)]
    /// `timeout:` in seconds.
    public var timeout: Double?
    /// `retries:`.
    public var retries: Int
    /// `result:`.
    public var result: ResultCapture
    /// `cores:`: how many slots of one rank each task occupies.
    public var cores: TaskCores
    /// `gpus:` and `memory:`: what each task takes from its node's pools.
    public var resources: TaskResources = .none
    /// `shell_program:`: the shell that runs `shell:` lines and task-file lines; nil: bash
    /// where it is installed, else `/bin/sh` (`ShellProgram`).
    public var shellProgram: String?
    /// `logs:`.
    public var logs: LogMode
    /// `max_output:`: bytes of each stream (stdout, stderr) a task keeps; beyond, the first and
    /// last halves are kept with a note of how many bytes were dropped between them.
    public var maxOutput: Int
    /// `uses:`: the units of the job's named limits each task holds while it runs.
    public var uses: LimitUses = .none
    /// `priority:`: higher first among ready work.
    public var priority: TaskPriority = .none

    /// Makes a spec; the job loader does this.
    public init(
        action: Action, workingDirectory: Template? = nil, environment: [(name: String, value: Template)] = [],
        timeout: Double? = nil, retries: Int = 0, result: ResultCapture = .none, cores: TaskCores = .one,
        shellProgram: String? = nil, logs: LogMode = .rankFiles, maxOutput: Int = TaskSpec.defaultMaxOutput
    ) {
        self.action = action
        self.workingDirectory = workingDirectory
        self.environment = environment
        self.timeout = timeout
        self.retries = retries
        self.result = result
        self.cores = cores
        self.shellProgram = shellProgram
        self.logs = logs
        self.maxOutput = maxOutput
    }
}
