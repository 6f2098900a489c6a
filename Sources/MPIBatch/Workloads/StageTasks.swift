/// One stage's tasks as the runtime runs them: its sweep (one task for an
/// inline stage), or its Monte Carlo blocks.
enum StageTasks: Sendable {
    /// `command:`, `shell:`, `kernel:` or `task:` with `sweep:`.
    case sweep(SweepWorkload)
    /// `montecarlo:`: local task b is block b.
    case monteCarlo(MonteCarloWorkload)
    /// `task:` with a `sweep:` whose table is read when the stage becomes ready.
    case runTime(RunTimeStage)

    /// The workload that runs them, by local index.
    var workload: any Workload {
        switch self {
        case .sweep(let workload): workload
        case .monteCarlo(let workload): workload
        case .runTime(let stage): stage
        }
    }

    /// What local task `index` would run, for `plan`.
    func describeTask(_ index: Int) -> String {
        switch self {
        case .sweep(let workload):
            return workload.describeTask(index)
        case .runTime(let stage):
            return stage.planDescription
        case .monteCarlo(let workload):
            let paths = workload.paths(ofBlock: index)
            return "montecarlo \(workload.spec.kernel) block \(index): paths \(paths.lowerBound)..<\(paths.upperBound), seed \(workload.spec.seed)"
        }
    }
}
