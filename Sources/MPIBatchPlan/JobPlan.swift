import MPIBatchJob

/// What `mpibatch plan` shows: the job's name and content hash, then what its kind
/// says of it (`SweepPlan`, `MonteCarloPlan`, `StagePlan`).
public struct JobPlan: Sendable {
    /// The lines to print.
    public let lines: [String]

    /// The plan of `job`. Costs O(parameters), whatever the task count.
    public init(job: JobSpec) {
        let header = "job: \(job.name) (content hash \(job.contentHash))"
        let body: [String]
        switch job.body {
        case .monteCarlo(let spec): body = MonteCarloPlan.lines(spec)
        case .sweep(let sweep): body = SweepPlan.lines(sweep, jobSeed: job.seed)
        case .stages(let graph): body = StagePlan.lines(graph, jobSeed: job.seed)
        }
        lines = [header] + body + LimitsPlan.lines(job)
    }

    /// What `mpibatch validate` prints for a good `job`: `ok: N tasks` and the like.
    public static func okLine(_ job: JobSpec) -> String {
        switch job.body {
        case .sweep(let sweep): SweepPlan.okLine(sweep)
        case .monteCarlo(let spec): MonteCarloPlan.okLine(spec)
        case .stages(let graph): StagePlan.okLine(graph)
        }
    }
}
