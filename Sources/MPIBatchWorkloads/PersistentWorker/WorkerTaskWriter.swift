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
    /// The bytes of the ring of shared memory each worker is offered for its results' float64
    /// values (`WorkerSharedValues`); 0: none.
    var sharedValuesBytes: Int { get }
}

extension WorkerTaskWriter {
    /// Tasks whose values are JSON want no ring.
    var sharedValuesBytes: Int { 0 }
}

/// Tasks that can also go as a `columns` batch: every task has the same parameter names.
protocol WorkerColumnTasks: WorkerTaskWriter {
    /// The names of every task's parameters (or `args:`), in order.
    var columnNames: [String] { get }
    /// Adds task `index` as the next row of `batch`.
    func addRow(index: Int, to batch: inout WorkerColumnsWriter)
}

/// The tasks of a sweep or stage: `seed` is the task's `{seed}`, `params` its parameters or,
/// when the task has `args:`, those filled in for it.
struct SweepWorkerTasks: WorkerColumnTasks {
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
            write(argument, of: index, to: &json)
        }
        json.endObject()
    }

    /// Argument `argument`'s value for task `index`.
    private func write(_ argument: TaskSpec.KernelArgument, of index: Int, to json: inout JSONWriter) {
        switch argument.value {
        case .constant(let value): value.write(to: &json)
        case .template(let template): expansion.parameterValue(template, at: index).write(to: &json)
        }
    }

    var columnNames: [String] { arguments.isEmpty ? expansion.space.parameters.map(\.name) : arguments.map(\.name) }

    func addRow(index: Int, to batch: inout WorkerColumnsWriter) {
        batch.addRow(seed: TaskSeed.seed(job: expansion.jobSeed, index: index)) { column, json in
            guard !arguments.isEmpty else { return expansion.space.value(of: column, at: index).write(to: &json) }
            write(arguments[column], of: index, to: &json)
        }
    }
}
