/// A slot running a task, as rank 0's coordinator knows it: the first task of the
/// chunks it holds, and since when (on the coordinator's clock) the slot has run it.
/// Gathered from what the coordinator already keeps per slot, never per task.
package struct BusySlot: Sendable, Equatable {
    /// The task's index.
    package var index: Int
    /// The rank of the slot.
    package var rank: Int
    /// The slot within its rank's pool.
    package var slot: Int
    /// When the slot began this task, in seconds on the coordinator's clock (as far as rank 0
    /// can tell: when it was handed the task, or when the slot reported the one before).
    package var since: Double
}
