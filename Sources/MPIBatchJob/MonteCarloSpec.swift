/// The `montecarlo:` section of a job file.
public struct MonteCarloSpec: Sendable, Equatable {
    /// The Monte Carlo kernel's name, e.g. `gbm-european-call`; for a user's model, the model
    /// (`MonteCarloModel.name`).
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
    /// A user's model (`python:` or `worker:`) instead of a built-in kernel; nil: `kernel`.
    public var model: MonteCarloModel?

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

extension MonteCarloSpec {
    /// The number of blocks, ⌈paths / block⌉: a Monte Carlo job's tasks.
    public var blockCount: Int { (paths - 1) / block + 1 }

    /// The paths of block `block`.
    public func paths(ofBlock block: Int) -> Range<Int> {
        let first = block * self.block
        return first..<min(first + self.block, paths)
    }

    /// Throws when `paths`, `block` or `target` cannot run, naming the field; the
    /// kernel and its `params:` are the kernel catalog's to check.
    public func checkCounts() throws(MonteCarloSpecError) {
        guard paths >= 1 else {
            throw MonteCarloSpecError(field: "paths", message: "needs at least 1 path, got \(paths)")
        }
        guard block >= 1 else {
            throw MonteCarloSpecError(field: "block", message: "needs at least 1 path per block, got \(block)")
        }
        if let target {
            guard target.limit.isFinite, target.limit > 0 else {
                throw MonteCarloSpecError(field: "target", message: "needs a precision > 0, got \(target.limit)")
            }
        }
    }
}

extension MonteCarloSpec.Target {
    /// The precision asked for.
    public var limit: Double {
        switch self {
        case .standardError(let value), .relativeError(let value): value
        }
    }

    /// `stderr ≤ 0.001`, `relative error ≤ 0.01`.
    public var humanDescription: String {
        switch self {
        case .standardError(let limit): "stderr ≤ \(limit)"
        case .relativeError(let limit): "relative error ≤ \(limit)"
        }
    }
}
