/// A worker that cannot start at all (a syntax error, a missing module or function, no
/// answer to its handshake): no task of the run can succeed, so the run ends with this one
/// message instead of one failure per task.
public struct WorkerStartFailure: Error, Sendable, CustomStringConvertible {
    /// The worker (`python model:price (python3)`).
    public let worker: String
    /// Why, naming the file and line when the worker said them.
    public let reason: String

    /// Every stored property, as the memberwise initializer had it (another target builds it).
    package init(worker: String, reason: String) {
        self.worker = worker
        self.reason = reason
    }

    /// `the worker python model:price (python3) cannot start: model.py:3: SyntaxError: ...`
    public var description: String { "the worker \(worker) cannot start: \(reason)" }
}
