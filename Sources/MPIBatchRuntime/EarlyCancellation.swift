import MPIBatchCore
import Synchronization

/// A rank's side of cancellations (`stop_when:`, `race:`, `mpibatch cancel`): the index ranges
/// the coordinator cancelled, and each slot's running task, so that a `cancel` message ends it
/// at once (a command's process group is killed as on a timeout) and what the slots hold there
/// is dropped. Running each task as a task of its own, which can be cancelled alone, costs
/// microseconds: a workload with an early stop always pays it, any other only while its
/// rank's tasks take longer than `wrapAbove` (shorter ones end before a cancel could reach
/// them, and are only dropped if not started).
final class EarlyCancellation: Sendable {
    private struct State {
        /// The ranges cancelled, each with why (a cancelled task's `error`), in the order cancelled.
        var ranges: [(range: Range<Int>, reason: String)] = []
        /// Each slot's running task and its index.
        var running: [(index: Int, task: Task<TaskValue, any Error>)?]
        /// Slots whose current task the coordinator cancelled (or refused to start), with why.
        var cancelled: [Int: String] = [:]

        /// Why task `index` is cancelled (the first range holding it says), or nil.
        func reason(cancelling index: Int) -> String? {
            ranges.first { $0.range.contains(index) }?.reason
        }
    }

    private let state: Mutex<State>
    /// Whether every task runs as a task of its own (an early stop in the workload).
    private let always: Bool
    /// Whether tasks run as tasks of their own now (`start`).
    private let wraps = Atomic<Bool>(true)
    /// Whether any range was cancelled yet (until then no index is looked up).
    private let cancelledAny = Atomic<Bool>(false)

    /// Tasks of a rank whose last task took longer than this (nanoseconds) run as their own tasks.
    static let wrapAboveNanoseconds: UInt64 = 1_000_000

    /// Bookkeeping for `slots` slots; `always`: every task runs as its own task.
    init(slots: Int, always: Bool) {
        state = Mutex(State(running: Array(repeating: nil, count: max(1, slots))))
        self.always = always
    }

    /// Whether the next task is to be started through `start` (a cancel can end it).
    var wrapsTasks: Bool { always || wraps.load(ordering: .relaxed) }

    /// A task of this rank took `nanoseconds`: the next ones run as their own tasks if it was long.
    func taskTook(nanoseconds: UInt64) {
        if !always { wraps.store(nanoseconds > Self.wrapAboveNanoseconds, ordering: .relaxed) }
    }

    /// Why task `index` is cancelled (it lies in a cancelled range), or nil.
    func reason(cancelling index: Int) -> String? {
        guard cancelledAny.load(ordering: .acquiring) else { return nil }
        return state.withLock { $0.reason(cancelling: index) }
    }

    /// Cancels the tasks of `range` for `reason` (their `error`): those running now, and any
    /// that would start later.
    func cancel(_ range: Range<Int>, reason: String) {
        cancelledAny.store(true, ordering: .releasing)
        state.withLock { state in
            state.ranges.append((range, reason))
            for slot in state.running.indices {
                guard let (index, task) = state.running[slot], range.contains(index), state.cancelled[slot] == nil else { continue }
                state.cancelled[slot] = reason
                task.cancel()
            }
        }
    }

    /// Starts `body` as slot `slot`'s task `index`, unless its range was cancelled (nil).
    func start(
        slot: Int, index: Int, _ body: @escaping @Sendable () async throws -> TaskValue
    ) -> Task<TaskValue, any Error>? {
        state.withLock { state in
            if let reason = state.reason(cancelling: index) {
                state.cancelled[slot] = reason
                return nil
            }
            let task = Task { try await body() }
            state.running[slot] = (index, task)
            return task
        }
    }

    /// Slot `slot`'s task, started through `start`, ended: why the coordinator cancelled it, or
    /// nil. (A task run inline never registered: nothing to look up, no lock taken.)
    func end(slot: Int) -> String? {
        state.withLock { state in
            state.running[slot] = nil
            return state.cancelled.removeValue(forKey: slot)
        }
    }
}
