import MPIBatchCore
import Synchronization

/// The records one slot has finished and not yet sent to the coordinator. A slot adds
/// each record as its task ends and sends the rest with its chunk's end; meanwhile the
/// worker's flusher sends those that have waited `dueAfterNanoseconds` (its ticks come as
/// often), so a finished task reaches the journal within `Worker.flushIntervalNanoseconds`
/// of its end, however long the next task of its chunk runs. Every send happens under
/// the lock, so one slot's records reach the coordinator in the order they ran.
///
/// Records are also due once `batchLimit` of them wait: instant tasks fill a flush interval
/// with tens of thousands of records, and every list sent is held whole on rank 0 (decoded,
/// queued, journaled) while it is handled, so a message's size, not its count, sets rank 0's
/// peak memory.
final class PendingResults: Sendable {
    private struct State {
        var records: [TaskRecord] = []
        /// When the first of `records` ended (monotonic nanoseconds).
        var oldestEnd: UInt64 = 0
    }

    private let state = Mutex(State())
    /// How long a record may wait for the ones after it before it goes alone.
    let dueAfterNanoseconds: UInt64
    /// How many records wait at most: that many are due at once.
    let batchLimit: Int

    /// The records one message carries at most (about 0.8 MB of them on rank 0; a results
    /// message per 4,096 instant tasks costs rank 0 nothing to speak of).
    static let standardBatchLimit = 4096

    /// Pending records that go out once the oldest has waited `dueAfterNanoseconds`, or once
    /// `batchLimit` of them wait.
    init(dueAfterNanoseconds: UInt64, batchLimit: Int = PendingResults.standardBatchLimit) {
        self.dueAfterNanoseconds = dueAfterNanoseconds
        self.batchLimit = max(1, batchLimit)
    }

    /// A task ended at `ended` (monotonic nanoseconds) with `record`.
    func add(_ record: TaskRecord, ended: UInt64) {
        add(record, ended: ended, sendingIfDue: false) { _ in }
    }

    /// `add`, then, if `sendingIfDue`, `sendIfDue(now: ended, send)`, under one lock (once per task).
    func add(_ record: TaskRecord, ended: UInt64, sendingIfDue: Bool, _ send: ([TaskRecord]) -> Void) {
        state.withLock { state in
            if state.records.isEmpty { state.oldestEnd = ended }
            state.records.append(record)
            guard sendingIfDue else { return }
            sendIfDue(&state, now: ended, send)
        }
    }

    /// Whether records whose oldest ended at `oldestEnd` are due at `now`.
    static func isDue(oldestEnd: UInt64, now: UInt64, dueAfter: UInt64) -> Bool {
        now >= oldestEnd && now - oldestEnd >= dueAfter
    }

    /// Sends the pending records through `send` (under the lock) if the oldest is due at
    /// `now` or `batchLimit` of them wait; returns whether it did.
    @discardableResult
    func sendIfDue(now: UInt64, _ send: ([TaskRecord]) -> Void) -> Bool {
        state.withLock { state in sendIfDue(&state, now: now, send) }
    }

    @discardableResult
    private func sendIfDue(_ state: inout State, now: UInt64, _ send: ([TaskRecord]) -> Void) -> Bool {
        guard !state.records.isEmpty,
            state.records.count >= batchLimit || Self.isDue(oldestEnd: state.oldestEnd, now: now, dueAfter: dueAfterNanoseconds)
        else { return false }
        send(state.records)
        state.records.removeAll(keepingCapacity: true)
        return true
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
