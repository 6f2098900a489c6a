import MPIBatchJob

/// What `mpibatch validate` and `mpibatch plan` report for a job file.
public enum JobValidation {
    /// The outcome: lines for stdout, lines for stderr, and the exit status (0, or 2 for bad input).
    public struct Outcome: Sendable {
        /// Lines for stdout.
        public var output: [String] = []
        /// Lines for stderr: one `path:line:column: message` per problem.
        public var problems: [String] = []
        /// The job, when it loaded without a problem (so a later check need not read it again).
        public var job: JobSpec?
        /// 0 when the job is good, 2 when it is not.
        public var exitStatus: Int32 { problems.isEmpty ? 0 : 2 }
    }

    /// `validate`: every problem, or `ok: N tasks`.
    public static func validate(path: String, kernels: any KernelLookup) -> Outcome {
        check(path: path, kernels: kernels) { [JobPlan.okLine($0)] }
    }

    /// `plan`: what would run.
    public static func plan(path: String, kernels: any KernelLookup) -> Outcome {
        check(path: path, kernels: kernels) { JobPlan(job: $0).lines }
    }

    private static func check(path: String, kernels: any KernelLookup, report: (JobSpec) -> [String]) -> Outcome {
        var outcome = Outcome()
        do {
            let job = try JobLoader.loadReportingAll(path: path, kernels: kernels)
            outcome.job = job
            outcome.output = report(job)
        } catch {
            outcome.problems = error.errors.map(\.description)
        }
        return outcome
    }
}
