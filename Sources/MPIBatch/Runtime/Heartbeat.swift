import Dispatch
import Foundation
import Synchronization

/// Calls `beat` at once and then every `seconds`, on a thread of its own, until stopped.
final class Heartbeat: Sendable {
    private let stopped = Atomic<Bool>(false)
    private let wake = DispatchSemaphore(value: 0)

    init(every seconds: Double, beat: @escaping @Sendable () -> Void) {
        let thread = Thread { [self] in
            while !stopped.load(ordering: .acquiring) {
                beat()
                _ = wake.wait(timeout: .now() + .nanoseconds(Int(max(0.01, seconds) * 1e9)))
            }
        }
        thread.name = "mpibatch-heartbeat"
        thread.start()
    }

    /// Ends the beats (the thread exits within moments).
    func stop() {
        stopped.store(true, ordering: .releasing)
        wake.signal()
    }
}
