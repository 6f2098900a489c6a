/// What a job kind's rank-0 policy (its result reducer or work source) adds to
/// `summary.json`, typed: `RunSummary` holds each kind as an optional field.
public enum SummaryFigures: Sendable, Equatable {
    /// A Monte Carlo run's estimate, beside the run's own fields.
    case monteCarlo(MonteCarloSummary)
    /// A stage graph's `montecarlo:` stages' estimates, by stage name, under `montecarlo`.
    case stageMonteCarlo([String: MonteCarloSummary])
    /// A stage graph's critical path and stages, beside the run's own fields.
    case stageGraph(StageGraphSummary)
}
