import Synchronization

/// A rank's cores as tokens, one per slot: a task of `cores: k` takes k of them at
/// once before it starts and gives them back when it ends, so the rank never runs
/// more than its slots' worth of cores.
///
/// Waiters are served strictly first come, first served: a wide task waiting for k
/// tokens is not overtaken by narrow ones (it cannot starve), and narrow ones behind
/// it wait only until it starts (they cannot starve either). A slot holds no token
/// while it waits, and every k is at most the pool's size (checked before the run),
/// so the head of the queue always gets its tokens once the running tasks end: no
/// deadlock.
final class CorePool: Sendable {
    private struct Waiter {
        let count: Int
        let continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var free: Int
        var waiters: [Waiter] = []
        var head = 0
    }

    private let state: Mutex<State>
    /// How many tokens there are (the rank's slots).
    let size: Int

    /// A pool of `size` tokens.
    init(size: Int) {
        self.size = size
        state = Mutex(State(free: size))
    }

    /// How many tasks wait for their tokens.
    var waiting: Int { state.withLock { $0.waiters.count - $0.head } }

    /// Waits until `count` tokens (at most `size`) are free and nobody queued earlier waits, then takes them.
    func acquire(_ count: Int) async {
        precondition(count >= 1 && count <= size, "a task of \(count) cores on a rank of \(size) slots")
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let granted = state.withLock { state -> Bool in
                if state.head == state.waiters.count, state.free >= count {
                    state.free -= count
                    return true
                }
                state.waiters.append(Waiter(count: count, continuation: continuation))
                return false
            }
            if granted { continuation.resume() }
        }
    }

    /// Gives `count` tokens back and starts the waiters at the head of the queue that now fit.
    func release(_ count: Int) {
        let ready = state.withLock { state -> [Waiter] in
            state.free += count
            var ready: [Waiter] = []
            while state.head < state.waiters.count, state.waiters[state.head].count <= state.free {
                state.free -= state.waiters[state.head].count
                ready.append(state.waiters[state.head])
                state.head += 1
            }
            if state.head == state.waiters.count {
                state.waiters.removeAll(keepingCapacity: true)
                state.head = 0
            }
            return ready
        }
        for waiter in ready { waiter.continuation.resume() }
    }
}
