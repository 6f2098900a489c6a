import MPIBatchCore
import Synchronization

/// The records one slot has finished and not yet sent to the coordinator. A slot adds
/// each record as its task ends and sends the rest with its chunk's end; meanwhile the
/// worker's flusher sends those that have waited `dueAfterNanoseconds` (its ticks come as
/// often), so a finished task reaches the journal within `Worker.flushIntervalNanoseconds`
/// of its end, however long the next task of its chunk runs. Every send happens under
/// the lock, so one slot's records reach the coordinator in the order they ran.
final class PendingResults: Sendable {
    private struct State {
        var records: [TaskRecord] = []
        /// When the first of `records` ended (monotonic nanoseconds).
        var oldestEnd: UInt64 = 0
    }

    private let state = Mutex(State())
    /// How long a record may wait for the ones after it before it goes alone.
    let dueAfterNanoseconds: UInt64

    /// Pending records that go out once the oldest has waited `dueAfterNanoseconds`.
    init(dueAfterNanoseconds: UInt64) { self.dueAfterNanoseconds = dueAfterNanoseconds }

    /// A task ended at `ended` (monotonic nanoseconds) with `record`.
    func add(_ record: TaskRecord, ended: UInt64) {
        state.withLock { state in
            if state.records.isEmpty { state.oldestEnd = ended }
            state.records.append(record)
        }
    }

    /// Whether records whose oldest ended at `oldestEnd` are due at `now`.
    static func isDue(oldestEnd: UInt64, now: UInt64, dueAfter: UInt64) -> Bool {
        now >= oldestEnd && now - oldestEnd >= dueAfter
    }

    /// Sends the pending records through `send` (under the lock) if the oldest is due at
    /// `now`; returns whether it did.
    @discardableResult
    func sendIfDue(now: UInt64, _ send: ([TaskRecord]) -> Void) -> Bool {
        state.withLock { state in
            guard !state.records.isEmpty,
                Self.isDue(oldestEnd: state.oldestEnd, now: now, dueAfter: dueAfterNanoseconds)
            else { return false }
            send(state.records)
            state.records.removeAll(keepingCapacity: true)
            return true
        }
    }

    /// Sends every pending record (maybe none) through `send`, under the lock, if `always`
    /// or there is one.
    func sendAll(always: Bool, _ send: ([TaskRecord]) -> Void) {
        state.withLock { state in
            guard always || !state.records.isEmpty else { return }
            send(state.records)
            state.records.removeAll(keepingCapacity: true)
        }
    }
}
