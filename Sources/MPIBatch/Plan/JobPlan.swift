import Foundation

/// What `mpibatch plan` shows: the task count, each parameter's values or
/// range, the first and last tasks expanded, and the expected output size;
/// for a stage graph, its levels and critical path (`StagePlan`).
public struct JobPlan: Sendable {
    /// The lines to print.
    public let lines: [String]

    /// The plan of `job`. Costs O(parameters), whatever the task count.
    public init(job: JobSpec, kernels: KernelRegistry = .builtIn) throws(SweepWorkloadError) {
        var lines = ["job: \(job.name) (content hash \(job.contentHash))"]
        switch job.body {
        case .monteCarlo(let spec):
            let blocks = (spec.paths + spec.block - 1) / spec.block
            lines.append("montecarlo: kernel \(spec.kernel), \(spec.paths) paths in \(blocks) blocks of \(spec.block), seed \(spec.seed)")
            let params = spec.params.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            lines.append("params: " + (params.isEmpty ? "(none)" : params.joined(separator: ", ")))
            if let target = spec.target { lines.append("target: \(target.humanDescription) (stops on whole blocks)") }
        case .sweep(let sweep):
            let workload = try SweepWorkload(sweep: sweep, jobSeed: job.seed, kernels: kernels)
            lines.append("tasks: \(sweep.taskCount)")
            for parameter in sweep.space.parameters {
                let axis = sweep.space.parameters.filter { $0.axis == parameter.axis }.count > 1 ? " (axis \(parameter.axis), shared)" : ""
                lines.append("  \(parameter.name) (\(parameter.column.typeName)): \(parameter.column.summary)\(axis)")
            }
            lines.append("first task (index 0): " + workload.describeTask(0))
            if sweep.taskCount > 1 {
                lines.append("last task (index \(sweep.taskCount - 1)): " + workload.describeTask(sweep.taskCount - 1))
            }
            if let cores = sweep.task.cores.planLine(space: sweep.space) { lines.append(cores) }
            if let timeout = sweep.task.timeout { lines.append("timeout: \(timeout) s") }
            if sweep.task.retries > 0 { lines.append("retries: \(sweep.task.retries)") }
            lines.append("estimated results.jsonl: " + NumberText.bytes(Self.journalBytes(workload)))
        case .stages(let graph):
            let workload = try StageGraphWorkload(graph: graph, jobSeed: job.seed, kernels: kernels, outputDirectory: "OUT")
            lines += StagePlan.lines(graph, workload: workload)
        }
        self.lines = lines
    }

    /// Bytes of `results.jsonl` if every task succeeds once: a line's fixed fields plus the first task's parameters.
    static func journalBytes(_ workload: SweepWorkload) -> Double {
        var json = JSONWriter()
        workload.writeParameters(of: workload.taskCount - 1, to: &json)
        let fixed = 110.0  // {"index":…,"status":"ok","seconds":…,"rank":…,"slot":…,"attempt":1,"value":…,"error":null}
        return Double(workload.taskCount) * (fixed + Double(json.bytes.count))
    }
}
