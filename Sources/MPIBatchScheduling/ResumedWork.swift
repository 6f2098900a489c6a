import MPIBatchCore
import MPIBatchJournal

/// The part of a journal the coordinator needs on `--resume`: what the earlier run finished.
package struct ResumedWork: Sendable {
    package var succeeded: IndexRanges
    package var failedAttempts: [Int: Int]
    package var values: [(index: Int, value: TaskValue)]
    /// Seconds added to this run's task start times, so they follow the earlier runs'.
    package var startOffset: Double
    /// The earlier parts of the run, with their figures.
    package var earlierParts: [RunPart]
    /// The sweeps and stages that stopped early in them.
    package var earlyStops: [EarlyStop] = []
    /// Tasks that run again because the journal holds other work at their index (`--force`).
    package var changedToRerun = 0
    /// Tasks journaled `cancelled` that stay settled (empty under `--retry-cancelled`).
    package var cancelled = IndexRanges()
    /// Stages `mpibatch cancel --stage` cancelled, to cancel again (empty under `--retry-cancelled`).
    package var cancelledStages: [String] = []

    /// Every stored property, as the memberwise initializer had it (another target builds it).
    package init(
        succeeded: IndexRanges, failedAttempts: [Int: Int], values: [(index: Int, value: TaskValue)],
        startOffset: Double, earlierParts: [RunPart], earlyStops: [EarlyStop] = [], changedToRerun: Int = 0,
        cancelled: IndexRanges = IndexRanges()
    ) {
        self.succeeded = succeeded
        self.failedAttempts = failedAttempts
        self.values = values
        self.startOffset = startOffset
        self.earlierParts = earlierParts
        self.earlyStops = earlyStops
        self.changedToRerun = changedToRerun
        self.cancelled = cancelled
    }
}
