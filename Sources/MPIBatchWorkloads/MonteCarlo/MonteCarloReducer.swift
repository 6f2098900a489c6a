import MPIBatchCore
import MPIBatchJob
import MPIBatchScheduling

/// Rank 0's fold of Monte Carlo blocks: takes block accumulators in any order,
/// merges them strictly in block order (so the estimate is bit-identical for any
/// ranks, slots or chunking) and decides a precision target on whole blocks.
///
/// Blocks that arrive ahead of the next one wait in a reorder buffer, so memory
/// grows with how far out of order blocks are, not with the number of paths.
public final class MonteCarloReducer: ResultReducer {
    /// No target decision before this many paths are merged, so the variance is not a fluke.
    public static let minimumPathsForTarget = 1_000
    /// No target decision before this many blocks are merged.
    public static let minimumBlocksForTarget = 2

    private let kernel: String
    private let seed: UInt64
    private let target: MonteCarloSpec.Target?
    private let reference: MonteCarloReference?
    /// Blocks the run now has: the workload's count, or fewer once the target is met.
    public private(set) var blockCount: Int
    /// Whether the target was met (and the run cut to `blockCount` blocks).
    public private(set) var targetMet = false
    private var merged = MonteCarloAccumulator()
    private var nextBlock = 0
    private var waiting: [Int: MonteCarloAccumulator] = [:]
    private var malformedBlocks: [Int] = []

    /// A reducer for `workload`'s blocks.
    public convenience init(workload: any MonteCarloBlocks) {
        self.init(
            kernel: workload.spec.kernel, seed: workload.spec.seed, blockCount: workload.taskCount,
            target: workload.spec.target, reference: workload.reference)
    }

    /// A reducer for `blockCount` blocks of `kernel` under `seed`, stopping at `target` if given.
    public init(
        kernel: String, seed: UInt64, blockCount: Int, target: MonteCarloSpec.Target?,
        reference: MonteCarloReference?
    ) {
        self.kernel = kernel
        self.seed = seed
        self.blockCount = blockCount
        self.target = target
        self.reference = reference
    }

    /// Takes block `index`; returns the cut block count the first time the target is met
    /// before the last block. Blocks past the cut, repeats and blocks already merged are ignored.
    public func accept(index: Int, value: TaskValue) -> Int? {
        guard index >= nextBlock, index < blockCount, waiting[index] == nil else { return nil }
        guard let accumulator = MonteCarloAccumulator(value) else {
            malformedBlocks.append(index)
            return nil
        }
        waiting[index] = accumulator
        while let next = waiting.removeValue(forKey: nextBlock) {
            merged.merge(next)
            nextBlock += 1
            if let target, !targetMet, nextBlock >= Self.minimumBlocksForTarget,
                merged.count >= Self.minimumPathsForTarget, target.isMet(by: MonteCarloEstimate(merged))
            {
                targetMet = true
                guard nextBlock < blockCount else { return nil }
                blockCount = nextBlock
                waiting.removeAll()
                return blockCount
            }
        }
        return nil
    }

    /// All blocks received, merged in block order: the in-order prefix, then any
    /// blocks past a gap (a failed block), still in block order.
    public var accumulator: MonteCarloAccumulator {
        var total = merged
        for (_, block) in waiting.sorted(by: { $0.key < $1.key }) { total.merge(block) }
        return total
    }

    /// Blocks received and merged into `accumulator`.
    public var blocksReceived: Int { nextBlock + waiting.count }

    /// The estimate from `accumulator`.
    public var estimate: MonteCarloEstimate { MonteCarloEstimate(accumulator) }

    /// `paths, estimate, stderr, ci95_low, ci95_high, min, max, blocks, blocks_total`, the
    /// kernel's reference value if it has one, and the target's outcome if one was set.
    public var summary: MonteCarloSummary {
        MonteCarloSummary(
            kernel: kernel, seed: seed, total: accumulator, blocks: blocksReceived, blocksTotal: blockCount,
            reference: reference, targetMet: target == nil ? nil : targetMet, blocksMalformed: malformedBlocks)
    }

    /// The run's estimate, for `summary.json`.
    public func summaryFigures() -> SummaryFigures? { .monteCarlo(summary) }

    /// The estimate line, then the reference, target and missing blocks if any.
    public func humanSummary() -> [String] {
        let estimate = self.estimate
        var lines = [
            estimate.paths == 0 ? "\(kernel): no paths completed, no estimate" : "\(kernel): \(estimate.humanLine)"
        ]
        if let reference, estimate.paths > 0 {
            let difference = estimate.mean - reference.value
            let sigmas = estimate.standardError > 0 ? difference / estimate.standardError : 0
            lines.append(
                "\(reference.name) \(NumberText.fixed(reference.value, digits: estimate.decimals))"
                    + " (estimate − reference = \(NumberText.fixed(difference, digits: estimate.decimals)),"
                    + " \(NumberText.fixed(sigmas, digits: 1)) standard errors)")
        }
        if let target {
            lines.append(
                targetMet
                    ? "target \(target.humanDescription) met after \(NumberText.grouped(blockCount)) blocks"
                    : "target \(target.humanDescription) not met")
        }
        let missing = blockCount - blocksReceived
        if missing > 0 {
            lines.append("\(NumberText.grouped(missing)) of \(NumberText.grouped(blockCount)) blocks missing (failed or not run)")
        }
        if !malformedBlocks.isEmpty {
            lines.append("blocks with malformed values, left out: \(malformedBlocks.map(String.init).joined(separator: ", "))")
        }
        return lines
    }
}
