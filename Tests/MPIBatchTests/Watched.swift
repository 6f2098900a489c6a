import Synchronization

/// A value that tests wait on: the code under test (or a test double) changes it, and
/// `wait(until:)` returns as soon as a change makes the condition true. No polling and no
/// sleeps, so a loaded machine makes a test slower, never wrong.
final class Watched<Value: Sendable>: Sendable {
    private struct Waiter {
        let condition: @Sendable (Value) -> Bool
        let continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var value: Value
        var waiters: [Waiter] = []
    }

    private let state: Mutex<State>

    /// Starts at `value`.
    init(_ value: Value) {
        state = Mutex(State(value: value))
    }

    /// The value now.
    var value: Value { state.withLock { $0.value } }

    /// Changes the value, and wakes those waiting for a condition it now meets.
    func update(_ change: (inout Value) -> Void) {
        let woken = state.withLock { state -> [Waiter] in
            change(&state.value)
            let value = state.value
            let split = state.waiters.partition { $0.condition(value) }
            defer { state.waiters.removeSubrange(split...) }
            return Array(state.waiters[split...])
        }
        for waiter in woken { waiter.continuation.resume() }
    }

    /// Returns once `condition` holds for the value (at once if it does already).
    func wait(until condition: @escaping @Sendable (Value) -> Bool) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let holds = state.withLock { state -> Bool in
                guard !condition(state.value) else { return true }
                state.waiters.append(Waiter(condition: condition, continuation: continuation))
                return false
            }
            if holds { continuation.resume() }
        }
    }
}
