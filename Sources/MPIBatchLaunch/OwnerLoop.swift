import Dispatch
import MPIBatchRuntime
import Synchronization

/// Rank 0's communication loop seen from its other threads: work posted here runs on the
/// transport's thread, in order with the ranks' messages, until `close`. What runs there is
/// the coordinator's only owner, so what it decides leaves in the order it was decided.
final class OwnerLoop: Sendable {
    private let transport: any Transport
    /// Whether posted work still runs (until `close`); held while posting, so that nothing
    /// is posted once `close` returned.
    private let open = Mutex(true)

    /// The loop of `transport`'s thread.
    init(transport: any Transport) { self.transport = transport }

    /// Queues `work` for the loop; false (and `work` never runs) once the loop is closed.
    @discardableResult
    func post(_ work: @escaping @Sendable () -> Void) -> Bool {
        open.withLock { open in
            if open { transport.post(work) }
            return open
        }
    }

    /// Runs `question` on the loop and waits for its answer; nil once the loop is closed.
    /// Never call it on the loop itself (it would wait for itself).
    func ask<Answer: Sendable>(_ question: @escaping @Sendable () -> Answer) -> Answer? {
        let reply = Reply<Answer>()
        guard post({ reply.give(question()) }) else { return nil }
        return reply.take()
    }

    /// Nothing posted from now on runs; what was posted before still does, by the time the
    /// transport's `stop` returns (which the caller does next).
    func close() {
        open.withLock { $0 = false }
    }
}

/// One answer handed from the loop to a thread waiting for it.
private final class Reply<Answer: Sendable>: Sendable {
    private let answer = Mutex<Answer?>(nil)
    private let given = DispatchSemaphore(value: 0)

    /// Hands the answer over (once).
    func give(_ value: Answer) {
        answer.withLock { $0 = value }
        given.signal()
    }

    /// Waits for the answer.
    func take() -> Answer {
        given.wait()
        return answer.withLock { $0! }
    }
}
