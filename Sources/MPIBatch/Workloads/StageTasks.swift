/// One stage's tasks as the runtime runs them: its sweep (one task for an
/// inline stage), or its Monte Carlo blocks.
enum StageTasks: Sendable {
    /// `command:`, `shell:`, `kernel:` or `task:` with `sweep:`.
    case sweep(SweepWorkload)
    /// `montecarlo:`: local task b is block b.
    case monteCarlo(MonteCarloWorkload)

    /// The workload that runs them, by local index.
    var workload: any Workload {
        switch self {
        case .sweep(let workload): workload
        case .monteCarlo(let workload): workload
        }
    }

}
