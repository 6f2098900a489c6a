import Synchronization

/// An event that happens once; any number of tasks can wait for it.
package final class OneShot: Sendable {
    private struct State {
        var fired = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    /// An event that has not happened yet.
    package init() {}

    /// Marks the event as happened and wakes every waiter.
    package func fire() {
        let waiters = state.withLock { state in
            state.fired = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once `fire` has been called (at once if it already was).
    package func wait() async {
        await withCheckedContinuation { continuation in
            let alreadyFired = state.withLock { state in
                if !state.fired { state.waiters.append(continuation) }
                return state.fired
            }
            if alreadyFired { continuation.resume() }
        }
    }
}
