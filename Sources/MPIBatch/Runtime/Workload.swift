/// What a run executes: the index space `0..<taskCount`, where every rank can
/// build task `i` from `i` alone. Only index ranges and results travel.
///
/// Three parts, each used where it is needed: the `TaskExecutor` runs tasks (every
/// rank), the `ParameterFormatter` writes a task's parameters (the journal), and the
/// `RankZeroPolicy` hands out work and folds values (rank 0's coordinator).
public typealias Workload = TaskExecutor & ParameterFormatter & RankZeroPolicy

/// The tasks of a run: indices `0..<taskCount`.
public protocol IndexedTasks: Sendable {
    /// How many tasks there are.
    var taskCount: Int { get }
    /// Its sweeps' and stages' early stops (`stop_when:`, `race:`), by index range: rank 0
    /// applies them, every rank's worker gets ready to cancel tasks when there are some.
    var stopRules: [StopRule] { get }
}

extension IndexedTasks {
    /// No early stop unless the workload has one.
    public var stopRules: [StopRule] { [] }
}

/// Thrown by a task that ran past its time limit: recorded with status `timeout`.
public struct TaskTimeout: Error, Sendable, CustomStringConvertible {
    /// The limit it exceeded, in seconds.
    public let seconds: Double
    /// Makes the error for a limit of `seconds`.
    public init(seconds: Double) { self.seconds = seconds }
    /// `timed out after 2.5 s`.
    public var description: String { "timed out after \(seconds) s" }
}

/// Folds task values together on rank 0 as results arrive, in any order.
///
/// Called from one thread at a time (the coordinator's); never concurrently.
public protocol ResultReducer: AnyObject {
    /// Takes task `index`'s value. Returns a new, smaller task count when the run
    /// may stop early (a precision target met), or nil to go on.
    func accept(index: Int, value: TaskValue) -> Int?
    /// What the reducer adds to `summary.json` (a Monte Carlo estimate), if anything.
    func summaryFigures() -> SummaryFigures?
    /// Lines to add to the human summary on stderr.
    func humanSummary() -> [String]
}
