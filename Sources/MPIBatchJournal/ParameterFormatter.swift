import MPIBatchCore

/// Writes a task's parameters for its journal line: what the journal needs of a workload.
public protocol ParameterFormatter: Sendable {
    /// Writes task `index`'s parameters as a JSON object.
    func writeParameters(of index: Int, to json: inout JSONWriter)

    /// Why a `--resume --force` must stop when task `index`'s journaled parameters,
    /// `recorded` (a JSON object as the journal holds it), differ from this job's: work the
    /// job cannot simply run again (a Monte Carlo job whose blocks changed size). Nil when
    /// the task just runs again.
    func changedWorkRefusal(at index: Int, recorded: [UInt8]) -> String?

    /// Whether task `index` runs a process of its own per attempt (`command:`, `shell:`, a task
    /// file's line): its journal lines carry `exit_code`, `signal` and `max_rss_bytes` (`null`
    /// where absent), so a command run's lines share one schema. Any other task's lines (a
    /// kernel, `python:`, `worker:`, a Monte Carlo `model:`) have each only when known: a
    /// persistent worker that died under the task, its exit status or signal.
    func runsProcess(_ index: Int) -> Bool
}

extension ParameterFormatter {
    /// A task whose parameters changed runs again.
    public func changedWorkRefusal(at index: Int, recorded: [UInt8]) -> String? { nil }

    /// A workload that does not say keeps every key on its lines.
    public func runsProcess(_ index: Int) -> Bool { true }
}
