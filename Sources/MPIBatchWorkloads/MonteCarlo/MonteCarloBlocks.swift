import MPIBatchCore
import MPIBatchJob
import MPIBatchJournal
import MPIBatchPlan
import MPIBatchRuntime
import MPIBatchScheduling

/// What every Monte Carlo workload shares, whatever computes its blocks (a built-in kernel,
/// a user's model on persistent workers): task `b` is block `b`, the paths
/// `b·block ..< min((b+1)·block, paths)`, whose value is the block's accumulator; rank 0
/// merges blocks in block order, so the estimate is the same for any decomposition.
public protocol MonteCarloBlocks: Workload {
    /// The job's `montecarlo:` section.
    var spec: MonteCarloSpec { get }
    /// An exact value the estimate should approach, if known.
    var reference: MonteCarloReference? { get }
}

extension MonteCarloBlocks {
    /// `{"block":b,"first_path":…,"paths":…}`.
    public func writeParameters(of index: Int, to json: inout JSONWriter) {
        let paths = spec.paths(ofBlock: index)
        json.beginObject()
        json.field("block", index)
        json.field("first_path", paths.lowerBound)
        json.field("paths", paths.count)
        json.endObject()
    }

    /// Its blocks run in the rank or on a persistent worker, never a process each: their
    /// journal lines have no process fields unless a worker died under one.
    public func runsProcess(_ index: Int) -> Bool { false }

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
