import MPIBatchCore
import MPIBatchJob
import MPIBatchJournal
import MPIBatchPlan
import MPIBatchRuntime
import MPIBatchScheduling

/// What a slot's batches say about each task: its `seed`, its `params`, and for a Monte
/// Carlo block its `montecarlo` member (`docs/worker-protocol.md`).
protocol WorkerTaskWriter: Sendable {
    /// Adds task `index`'s entry, for its try `attempt`, to `batch`.
    func add(index: Int, attempt: Int, to batch: inout WorkerBatchWriter)
}

/// The tasks of a sweep or stage: `seed` is the task's `{seed}`, `params` its parameters or,
/// when the task has `args:`, those filled in for it.
struct SweepWorkerTasks: WorkerTaskWriter {
    /// Fills in the task's parameters and seed.
    let expansion: TemplateExpansion
    /// The task's `args:`; empty: its parameters.
    let arguments: [TaskSpec.KernelArgument]

    func add(index: Int, attempt: Int, to batch: inout WorkerBatchWriter) {
        batch.add(index: index, seed: TaskSeed.seed(job: expansion.jobSeed, index: index), attempt: attempt) { json in
            writeParameters(of: index, to: &json)
        }
    }

    /// What the function is called with: the task's parameters, or its `args:` filled in.
    private func writeParameters(of index: Int, to json: inout JSONWriter) {
        guard !arguments.isEmpty else { return expansion.space.writeParameters(of: index, to: &json) }
        json.beginObject()
        for argument in arguments {
            json.key(argument.name)
            switch argument.value {
            case .constant(let value): value.write(to: &json)
            case .template(let template): expansion.parameterValue(template, at: index).write(to: &json)
            }
        }
        json.endObject()
    }
}
