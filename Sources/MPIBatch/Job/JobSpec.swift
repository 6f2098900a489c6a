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

/// The `montecarlo:` section of a job file.
public struct MonteCarloSpec: Sendable, Equatable {
    /// The Monte Carlo kernel's name, e.g. `gbm-european-call`.
    public var kernel: String
    /// The kernel's numeric parameters (`s0`, `k`, `r`, `sigma`, `t`, `steps`, …).
    public var params: [String: Double]
    /// The most paths to simulate.
    public var paths: Int
    /// The stream seed: path i draws from (seed, i) whatever rank runs it.
    public var seed: UInt64
    /// Paths per reduction block (default 4096); fixes bit-reproducibility.
    public var block: Int
    /// Stop once this precision is reached (on whole blocks, in block order).
    public var target: Target?
    /// Where to write per-path values, if asked (`paths_out:`), relative to the run directory.
    public var pathsOut: String?

    /// A precision target.
    public enum Target: Sendable, Equatable {
        /// The standard error of the estimate is at most this.
        case standardError(Double)
        /// The standard error divided by |estimate| is at most this.
        case relativeError(Double)
    }

    /// Makes a spec; the job loader does this.
    public init(
        kernel: String, params: [String: Double], paths: Int, seed: UInt64, block: Int = 4096,
        target: Target? = nil, pathsOut: String? = nil
    ) {
        self.kernel = kernel
        self.params = params
        self.paths = paths
        self.seed = seed
        self.block = block
        self.target = target
        self.pathsOut = pathsOut
    }
}
