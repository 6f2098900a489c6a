import MPIBatchCore
import MPIBatchJob
import MPIBatchScheduling

/// Rank 0's reducer of a stage graph's `montecarlo:` stages: each such stage's
/// blocks go to that stage's own `MonteCarloReducer` (merged in block order, so
/// the estimate is the same for any ranks and slots); other stages' values are
/// not its business. It adds `montecarlo: {NAME: {estimate, stderr, paths, …}}`
/// to `summary.json`, and each stage's lines, prefixed with its name, to the
/// human summary. A stage has no precision target (the parser refuses one), so
/// it never asks to lower the task count.
final class StageMonteCarloReducer: ResultReducer {
    private let graph: StageGraph
    /// The reducer of each `montecarlo:` stage, by stage number.
    private let reducers: [Int: MonteCarloReducer]

    /// A reducer for `graph`'s Monte Carlo `stages` (built, by stage number); nil when it has none.
    init?(graph: StageGraph, stages: [Int: MonteCarloWorkload]) {
        guard !stages.isEmpty else { return nil }
        let reducers = stages.mapValues { MonteCarloReducer(workload: $0) }
        self.graph = graph
        self.reducers = reducers
    }

    /// The stage numbers with a reducer, in file order.
    private var monteCarloStages: [Int] { reducers.keys.sorted() }

    /// Hands global task `index`'s value, as its local block, to its stage's reducer, if it has one.
    func accept(index: Int, value: TaskValue) -> Int? {
        guard index >= 0, index < graph.taskCount else { return nil }
        let (stage, block) = graph.locate(index)
        // Without a target a MonteCarloReducer never cuts its block count, so there is no limit to pass on.
        _ = reducers[stage]?.accept(index: block, value: value)
        return nil
    }

    /// `montecarlo: {NAME: {…each stage's Monte Carlo summary…}}`.
    func summaryFigures() -> SummaryFigures? {
        .stageMonteCarlo(Dictionary(uniqueKeysWithValues: reducers.map { (graph.stages[$0.key].name, $0.value.summary) }))
    }

    /// Each Monte Carlo stage's lines, as `NAME: …`.
    func humanSummary() -> [String] {
        monteCarloStages.flatMap { stage in
            reducers[stage]!.humanSummary().map { graph.stages[stage].name + ": " + $0 }
        }
    }
}
