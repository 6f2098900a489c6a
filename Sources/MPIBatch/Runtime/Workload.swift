/// What a run executes: the index space `0..<taskCount`, where every rank can
/// build task `i` from `i` alone. Only index ranges and results travel.
public protocol Workload: Sendable {
    /// How many tasks there are.
    var taskCount: Int { get }
    /// How many times a failed task is tried again.
    var retries: Int { get }
    /// How many times task `index` is tried again when it fails (stages differ).
    func retries(of index: Int) -> Int
    /// Writes task `index`'s parameters as a JSON object for its journal line.
    func writeParameters(of index: Int, to json: inout JSONWriter)
    /// Runs one task; a thrown error records it as failed, `TaskTimeout` as timed out.
    func run(_ task: TaskContext) async throws -> TaskValue
    /// Rank 0's reducer of task values (Monte Carlo blocks, say), or nil when values are only journaled.
    func makeReducer() -> (any ResultReducer)?
    /// Whether a resumed run needs the values the earlier run journaled (a reducer's or a
    /// stage graph's inputs); without, resume keeps none, so its memory stays small.
    var keepsJournaledValues: Bool { get }
    /// Rank 0's source of chunks: by default the flat range `0..<taskCount` under `policy`.
    func makeWorkSource(policy: ChunkPolicy, totalSlots: Int) -> any WorkSource
    /// How many slots of its rank task `index` occupies while it runs (`cores:`).
    func cores(of index: Int) -> Int
    /// The most cores a task asks for, and where (`path:line:col`): more than a rank's slots is refused before work starts.
    var widestTask: (cores: Int, place: String) { get }
    /// Notes rank 0 prints once at the start (the shell that runs shell tasks, when it is not bash).
    var startNotes: [String] { get }
    /// Its sweeps' and stages' early stops (`stop_when:`, `race:`), by index range.
    var stopRules: [StopRule] { get }
    /// Where its stages' values are written and read (nowhere without stages).
    var stageValues: StageValues { get }
}

extension Workload {
    /// No retries unless the workload says so.
    public var retries: Int { 0 }
    /// The same for every task unless the workload says otherwise.
    public func retries(of index: Int) -> Int { retries }
    /// No reducer unless the workload has one.
    public func makeReducer() -> (any ResultReducer)? { nil }
    /// Journaled values are needed exactly when there is a reducer to feed.
    public var keepsJournaledValues: Bool { makeReducer() != nil }
    /// One core per task unless the workload says otherwise.
    public func cores(of index: Int) -> Int { 1 }
    /// One core per task unless the workload says otherwise.
    public var widestTask: (cores: Int, place: String) { (1, "") }
    /// Nothing to say unless the workload has something.
    public var startNotes: [String] { [] }
    /// No early stop unless the workload has one.
    public var stopRules: [StopRule] { [] }
    /// No stage values unless the workload has stages.
    public var stageValues: StageValues { StageValues(directory: nil) }
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
    /// Fields to add to `summary.json`, written into an open JSON object.
    func writeSummaryFields(to json: inout JSONWriter)
    /// Lines to add to the human summary on stderr.
    func humanSummary() -> [String]
}
