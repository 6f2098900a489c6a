import MPIBatchCore

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
