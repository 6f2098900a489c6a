/// A task its worker could not finish: the function raised (the traceback's last lines),
/// the worker died or broke the protocol while running it.
struct WorkerTaskFailure: Error, Sendable, CustomStringConvertible {
    /// What went wrong, for the journal's `error`.
    let description: String
}
