import Dispatch
import Foundation
import Synchronization

/// A thread of its own running one loop — the journal's writer, the MPI transport, the
/// heartbeat, rank 0's watchdog, the progress reporter — that can be woken, told to stop,
/// and joined. The loop polls `isStopping` and waits with `wait(seconds:)`; `stop` sets
/// the flag and wakes it; `join` returns once the loop's body has returned.
///
/// An owner keeps the loop as a constant and starts it at the end of its own `init`,
/// once the body may capture it.
package final class BackgroundLoop: Sendable {
    private let name: String
    private let stopping = Atomic<Bool>(false)
    private let wakeUp = DispatchSemaphore(value: 0)
    private let exited = DispatchSemaphore(value: 0)
    /// Whether a thread was started and not yet joined.
    private let running = Atomic<Bool>(false)

    /// A loop whose thread will be named `name` (as `top` and debuggers show it); see `start`.
    package init(name: String) { self.name = name }

    /// A loop running `body` at once.
    package convenience init(name: String, body: @escaping @Sendable (BackgroundLoop) -> Void) {
        self.init(name: name)
        start(body)
    }

    /// Runs `body` on a new thread; once only.
    package func start(_ body: @escaping @Sendable (BackgroundLoop) -> Void) {
        guard !running.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let thread = Thread { [self] in
            body(self)
            exited.signal()
        }
        thread.name = name
        thread.start()
    }

    /// Whether `stop` was called: the loop should finish its work and return.
    package var isStopping: Bool { stopping.load(ordering: .acquiring) }

    /// Sleeps until woken or for at most `seconds`. Returns true when woken (by `wake`
    /// or `stop`), false when the time ran out.
    @discardableResult
    package func wait(seconds: Double) -> Bool {
        wakeUp.wait(timeout: .now() + .nanoseconds(Int(max(0, seconds) * 1e9))) == .success
    }

    /// Ends the loop's current or next `wait` early.
    package func wake() { wakeUp.signal() }

    /// Tells the loop to finish and wakes it; does not wait (see `join`).
    func stop() {
        stopping.store(true, ordering: .releasing)
        wakeUp.signal()
    }

    /// Waits until the loop's body has returned. Only the first call after `start` waits;
    /// later ones, and one before `start`, return at once.
    func join() {
        guard running.exchange(false, ordering: .acquiringAndReleasing) else { return }
        exited.wait()
    }

    /// `stop`, then `join`.
    package func stopAndJoin() {
        stop()
        join()
    }
}
