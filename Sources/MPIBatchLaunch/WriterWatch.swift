import Synchronization

/// A rank's watch on its node's writer (`NodeWriter`), which answers each of the rank's
/// heartbeats (`RuntimeMessage.heard`) and sends them on to rank 0 with its own. A heartbeat
/// that goes out while the last one is still unanswered goes to rank 0 as well: a writer that
/// hangs or is stopped (SIGSTOP) silences itself, not its node's other ranks, so rank 0 judges
/// a hung process beside answering ones (aborted at once), not a lost node (for which it
/// leaves `mpirun` its grace first, `MPILaunch.endAfterLostRanks`). While the writer answers,
/// the node's heartbeats reach rank 0 as one message a period.
final class WriterWatch: Sendable {
    /// Whether the writer answered the last heartbeat (the first one has none to wait for).
    private let answered = Atomic<Bool>(true)

    /// The writer answered a heartbeat.
    func heard() {
        answered.store(true, ordering: .relaxed)
    }

    /// A heartbeat goes out: whether it goes to rank 0 as well (the writer did not answer the
    /// last one). From now on the watch waits for this one's answer.
    func beatsToRankZero() -> Bool {
        !answered.exchange(false, ordering: .relaxed)
    }
}
