import Foundation
import MPIBatchCore
import MPIBatchJob

/// What `mpibatch plan` and `validate` say of a sweep (or a plain task file): the task
/// count, each parameter's values or range, the first and last tasks expanded, and the
/// expected journal size.
enum SweepPlan {
    /// `ok: N tasks`.
    static func okLine(_ sweep: SweepSpec) -> String { "ok: \(sweep.taskCount) tasks" }

    /// The plan's lines for `sweep` in a job seeded `jobSeed`. Costs O(parameters), whatever the task count.
    static func lines(_ sweep: SweepSpec, jobSeed: UInt64) -> [String] {
        let expansion = TemplateExpansion(sweep: sweep, jobSeed: jobSeed)
        var lines = ["tasks: \(sweep.taskCount)"]
        for parameter in sweep.space.parameters {
            let axis = sweep.space.parameters.filter { $0.axis == parameter.axis }.count > 1 ? " (axis \(parameter.axis), shared)" : ""
            lines.append("  \(parameter.name) (\(parameter.column.typeName)): \(parameter.column.summary)\(axis)")
        }
        lines.append("first task (index 0): " + TaskDescription.of(sweep.task, at: 0, expansion: expansion))
        if sweep.taskCount > 1 {
            lines.append("last task (index \(sweep.taskCount - 1)): " + TaskDescription.of(sweep.task, at: sweep.taskCount - 1, expansion: expansion))
        }
        if let cores = sweep.task.cores.planLine(space: sweep.space) { lines.append(cores) }
        if let timeout = sweep.task.timeout { lines.append("timeout: \(timeout) s") }
        if sweep.task.retries > 0 { lines.append("retries: \(sweep.task.retries)") }
        lines.append("estimated results.jsonl: " + NumberText.bytes(journalBytes(sweep.space)))
        return lines
    }

    /// Bytes of `results.jsonl` if every task succeeds once: a line's fixed fields plus the first task's parameters.
    static func journalBytes(_ space: IndexSpace) -> Double {
        var json = JSONWriter()
        space.writeParameters(of: space.taskCount - 1, to: &json)
        // {"index":…,"params":,"status":"ok","seconds":…,"start":…,"started_at":…,"rank":…,"slot":…,"attempt":1,"cpu_seconds":…}
        let fixed = 165.0
        return Double(space.taskCount) * (fixed + Double(json.bytes.count))
    }
}
