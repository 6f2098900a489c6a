import MPIBatchJournal
import MPIBatchScheduling

/// What a run executes: the index space `0..<taskCount`, where every rank can
/// build task `i` from `i` alone. Only index ranges and results travel.
///
/// Three parts, each used where it is needed: the `TaskExecutor` runs tasks (every
/// rank), the `ParameterFormatter` writes a task's parameters (the journal), and the
/// `RankZeroPolicy` hands out work and folds values (rank 0's coordinator).
public typealias Workload = TaskExecutor & ParameterFormatter & RankZeroPolicy

/// Thrown by a task that ran past its time limit: recorded with status `timeout`.
public struct TaskTimeout: Error, Sendable, CustomStringConvertible {
    /// The limit it exceeded, in seconds.
    public let seconds: Double
    /// Makes the error for a limit of `seconds`.
    public init(seconds: Double) { self.seconds = seconds }
    /// `timed out after 2.5 s`.
    public var description: String { "timed out after \(seconds) s" }
}
