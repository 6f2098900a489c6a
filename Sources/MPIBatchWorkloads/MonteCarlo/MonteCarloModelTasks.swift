import MPIBatchCore
import MPIBatchJob
import MPIBatchJournal
import MPIBatchPlan
import MPIBatchRuntime
import MPIBatchScheduling

/// How a Monte Carlo model's blocks go to its workers (`docs/worker-protocol.md`): each task
/// is a block, carrying the model's `params` and a `montecarlo` member that says how to call
/// the function and which random streams its paths draw from.
struct MonteCarloModelTasks: WorkerTaskWriter {
    /// The job's `montecarlo:` section.
    let spec: MonteCarloSpec
    /// Its model.
    let model: MonteCarloModel
    /// When set, every task holds this one path only (`--only-path`), whatever its block.
    var onlyPath: Int?

    /// The paths task `index` holds.
    func paths(of index: Int) -> Range<Int> {
        onlyPath.map { $0..<($0 + 1) } ?? spec.paths(ofBlock: index)
    }

    /// Room for eight blocks (the worker runs ahead of the rank by a few at most; one
    /// that finds no room sends its block by the socket), within 1 MB to 64 MB.
    var sharedValuesBytes: Int { min(64 << 20, max(1 << 20, 8 * 8 * spec.block)) }

    func add(index: Int, attempt: Int, to batch: inout WorkerBatchWriter) {
        batch.add(index: index, seed: TaskSeed.seed(job: spec.seed, index: index), attempt: attempt) { json in
            model.writeParams(to: &json)
        } writeMore: { json in
            let paths = paths(of: index)
            json.key("montecarlo")
            json.beginObject()
            json.field("calls", model.calls.rawValue)
            json.field("first_path", paths.lowerBound)
            json.field("paths", paths.count)
            switch model.calls {
            case .block:
                // numpy's Philox is 4×64 bits: key (seed, 0), counter (0, 0, block, 0).
                json.key("key")
                json.raw("[\(spec.seed),0]")
                json.key("counter")
                json.raw("[0,0,\(index),0]")
            case .path:
                json.key("seed")
                json.raw(String(spec.seed))
                json.field("seed_as", model.seedAs.rawValue)
            }
            json.endObject()
        }
    }
}
