import Synchronization

/// A rank's side of early stops (`stop_when:`, `race:`): the index ranges the coordinator
/// cancelled, and each slot's running task, so that a `cancel` message ends it at once (a
/// command's process group is killed as on a timeout) and what the slots hold there is
/// dropped. Only workloads with an early stop pay for it: each task then runs as a task
/// of its own, which can be cancelled alone.
final class EarlyCancellation: Sendable {
    private struct State {
        var ranges: [Range<Int>] = []
        /// Each slot's running task and its index.
        var running: [(index: Int, task: Task<TaskValue, any Error>)?]
        /// Slots whose current task the coordinator cancelled (or refused to start).
        var cancelled: Set<Int> = []
    }

    private let state: Mutex<State>

    /// Bookkeeping for `slots` slots.
    init(slots: Int) { state = Mutex(State(running: Array(repeating: nil, count: max(1, slots)))) }

    /// Whether task `index` lies in a cancelled range.
    func isCancelled(_ index: Int) -> Bool { state.withLock { $0.ranges.contains { $0.contains(index) } } }

    /// Cancels the tasks of `range`: those running now, and any that would start later.
    func cancel(_ range: Range<Int>) {
        state.withLock { state in
            state.ranges.append(range)
            for slot in state.running.indices {
                guard let (index, task) = state.running[slot], range.contains(index) else { continue }
                state.cancelled.insert(slot)
                task.cancel()
            }
        }
    }

    /// Starts `body` as slot `slot`'s task `index`, unless its range was cancelled (nil).
    func start(
        slot: Int, index: Int, _ body: @escaping @Sendable () async throws -> TaskValue
    ) -> Task<TaskValue, any Error>? {
        state.withLock { state in
            guard !state.ranges.contains(where: { $0.contains(index) }) else {
                state.cancelled.insert(slot)
                return nil
            }
            let task = Task { try await body() }
            state.running[slot] = (index, task)
            return task
        }
    }

    /// Slot `slot`'s task ended: whether the coordinator cancelled it.
    func end(slot: Int) -> Bool {
        state.withLock { state in
            state.running[slot] = nil
            return state.cancelled.remove(slot) != nil
        }
    }
}
