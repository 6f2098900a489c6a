import MPIBatchCore
import MPIBatchJob
import MPIBatchJournal
import MPIBatchRuntime
import MPIBatchScheduling

/// A `montecarlo:` job of a built-in (or a Swift user's) kernel as a workload: task `b`
/// simulates block `b` in path order and returns its accumulator (`MonteCarloBlocks`).
public struct MonteCarloWorkload: MonteCarloBlocks {
    /// The job's `montecarlo:` section.
    public let spec: MonteCarloSpec
    /// The kernel built from `spec.kernel` and `spec.params`.
    public let kernel: any MonteCarloKernel
    /// The number of blocks, ⌈paths / block⌉.
    public let taskCount: Int

    /// The kernel's exact value (Black–Scholes, π), if it has one.
    public var reference: MonteCarloReference? { kernel.reference }

    /// Checks `spec` and builds its kernel from `kernels`; the error names the field at fault.
    public init(spec: MonteCarloSpec, kernels: MonteCarloKernelRegistry = .builtIn) throws(MonteCarloSpecError) {
        try spec.checkCounts()
        self.spec = spec
        kernel = try kernels.makeKernel(named: spec.kernel, params: spec.params)
        taskCount = spec.blockCount
    }

    /// Simulates block `task.index`; its value is the block's accumulator. With
    /// `paths_out:`, each path's value is also written (see `simulate(block:writingPathsTo:)`).
    public func run(_ task: TaskContext) async throws -> TaskValue {
        guard let directory = pathsDirectory(for: task) else { return try simulate(block: task.index).taskValue }
        return try simulate(block: task.index, writingPathsTo: directory).taskValue
    }

    /// Simulates block `block` in path order; throws if a path's value is NaN or infinite.
    /// `observe` sees each path and its value in path order (for `paths_out:`).
    public func simulate(
        block: Int, observe: (UInt64, Double) -> Void = { _, _ in }
    ) throws(MonteCarloPathError) -> MonteCarloAccumulator {
        let paths = spec.paths(ofBlock: block)
        let range = UInt64(paths.lowerBound)..<UInt64(paths.upperBound)
        switch kernel.simulateBlock(paths: range, seed: spec.seed, observe: observe) {
        case .completed(let accumulator):
            return accumulator
        case .nonFinite(let path, let value):
            throw MonteCarloPathError(kernel: spec.kernel, path: path, seed: spec.seed, value: value)
        }
    }

    /// Path `path`'s value alone, as it is drawn inside its block (for reproducing a bad path).
    public func value(ofPath path: Int) -> Double {
        kernel.value(ofPath: UInt64(path), seed: spec.seed)
    }
}
