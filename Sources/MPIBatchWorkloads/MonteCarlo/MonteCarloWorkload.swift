import MPIBatchCore
import MPIBatchJob
import MPIBatchJournal
import MPIBatchRuntime
import MPIBatchScheduling

/// A `montecarlo:` job as a workload: task `b` simulates block `b`, the paths
/// `b·block ..< min((b+1)·block, paths)` in path order, and returns their
/// accumulator. Rank 0's reducer merges blocks in block order.
public struct MonteCarloWorkload: Workload {
    /// The job's `montecarlo:` section.
    public let spec: MonteCarloSpec
    /// The kernel built from `spec.kernel` and `spec.params`.
    public let kernel: any MonteCarloKernel
    /// The number of blocks, ⌈paths / block⌉.
    public let taskCount: Int

    /// Checks `spec` and builds its kernel from `kernels`; the error names the field at fault.
    public init(spec: MonteCarloSpec, kernels: MonteCarloKernelRegistry = .builtIn) throws(MonteCarloSpecError) {
        try spec.checkCounts()
        self.spec = spec
        kernel = try kernels.makeKernel(named: spec.kernel, params: spec.params)
        taskCount = spec.blockCount
    }

    /// `{"block":b,"first_path":…,"paths":…}`.
    public func writeParameters(of index: Int, to json: inout JSONWriter) {
        let paths = spec.paths(ofBlock: index)
        json.beginObject()
        json.field("block", index)
        json.field("first_path", paths.lowerBound)
        json.field("paths", paths.count)
        json.endObject()
    }

    /// Refuses a journaled block that starts at another path than this job's block `index`
    /// (its `block:` changed): the journal's blocks and this job's would overlap and leave
    /// gaps, so no set of reruns gives this job's estimate. A block of the same start whose
    /// size changed (the last one, after `paths:` changed) just runs again.
    public func changedWorkRefusal(at index: Int, recorded: [UInt8]) -> String? {
        let firstPath = recorded.withUnsafeBufferPointer { bytes -> Int? in
            guard let member = JournalLineScanner.members(of: bytes)?.first(where: { $0.key == "first_path" }) else {
                return nil
            }
            return Int(String(decoding: bytes[member.value], as: UTF8.self))
        }
        guard index > 0, let firstPath, firstPath != spec.paths(ofBlock: index).lowerBound else { return nil }
        return "block \(index) of the journal starts at path \(firstPath) (blocks of \(firstPath / index) paths), "
            + "but this job's block: is \(spec.block): a Monte Carlo run cannot change its block size on --resume "
            + "(it would count some paths twice and others never); run it into a new --out"
    }

    /// Simulates block `task.index`; its value is the block's accumulator. With
    /// `paths_out:`, each path's value is also written (see `simulate(block:writingPathsTo:)`).
    public func run(_ task: TaskContext) async throws -> TaskValue {
        guard let pathsOut = spec.pathsOut else { return try simulate(block: task.index).taskValue }
        let directory = pathsOut.hasPrefix("/") ? pathsOut : task.outputDirectory + "/" + pathsOut
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

    /// A `MonteCarloReducer` for this run.
    public func makeReducer() -> (any ResultReducer)? { MonteCarloReducer(workload: self) }

    /// Blocks per chunk at most when a precision target is set: about 16,384 paths,
    /// so the run stops soon after the target is met (see `MonteCarloWorkSource`).
    public var maxBlocksPerChunkWithTarget: Int { max(1, 16_384 / spec.block) }

    /// The policy's flat range of blocks; with a precision target, cut into small
    /// pieces handed out lowest block first, so the run stops soon after the target.
    public func makeWorkSource(policy: ChunkPolicy, totalSlots: Int) -> any WorkSource {
        guard spec.target != nil else { return IndexDispenser(policy: policy, taskCount: taskCount, totalSlots: totalSlots) }
        return MonteCarloWorkSource(
            policy: policy, blockCount: taskCount, totalSlots: totalSlots, maxBlocks: maxBlocksPerChunkWithTarget)
    }
}
