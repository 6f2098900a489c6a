import MPIBatchJob
import MPIBatchScheduling

/// What reaches the coordinator's owner, rank 0's communication loop: a rank's message
/// arrives there; every other thread of rank 0 posts its event there (`OwnerLoop`). Status
/// requests that wait for an answer are posted as questions (`OwnerLoop.ask`).
enum RankZeroEvent: Sendable {
    /// Before any message: lets the coordinator act (an empty workload finishes at once).
    case start
    /// A message from `rank` (rank 0's own worker's come as they are, neither encoded nor decoded).
    case message(RuntimeMessage, from: Int)
    /// The watchdog's tick: give up on ranks silent for longer than `limitNanoseconds`.
    case silenceCheck(limitNanoseconds: UInt64)
    /// The effects queue wrote stage `stage`'s value (or could not: `failure`).
    case stageValueStored(stage: Int, failure: String?)
    /// The effects queue expanded stage `stage`'s run-time table.
    case stageExpanded(stage: Int, outcome: Result<Int, RunTimeTableError>)
    /// A signal, or the launcher's end: stop handing out work (running tasks cancelled after
    /// `graceSeconds`, when given).
    case interrupt(reason: String, graceSeconds: Double?)
    /// The run cannot go on (its journal can no longer be written): stop at once.
    case abort(reason: String)
}
