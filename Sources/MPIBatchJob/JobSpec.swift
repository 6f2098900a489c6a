/// A parsed, validated job file: what every rank loads before the run starts.
public struct JobSpec: Sendable {
    /// The job's `name:` (default: the file name without extension).
    public var name: String
    /// The job-wide seed (`seed:`, default 0), from which per-task `{seed}` values derive.
    public var seed: UInt64
    /// What kind of work the job is.
    public var body: Body
    /// A hash of the job's normalised content, stored with a run so `--resume` can refuse a changed job.
    public var contentHash: String
    /// `limits:`: the job's named limits (what `uses:` names).
    public var limits: NamedLimits = .none
    /// `bind: cores`: each task pinned to CPUs of its own (`mpibatch run --bind` overrides).
    public var bindCores = false

    /// The kinds of job.
    public enum Body: Sendable {
        /// `sweep:` + `task:`, or a plain task file (one shell command per line).
        case sweep(SweepSpec)
        /// `montecarlo:`.
        case monteCarlo(MonteCarloSpec)
        /// `stages:`: a dependency graph of stages.
        case stages(StageGraph)
    }

    /// Makes a spec; the job loader does this.
    public init(name: String, seed: UInt64, body: Body, contentHash: String) {
        self.name = name
        self.seed = seed
        self.body = body
        self.contentHash = contentHash
    }
}
