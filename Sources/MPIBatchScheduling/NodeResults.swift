import MPIBatchCore

/// A node writer's fold of its node's finished attempts into what rank 0 needs: per slot, its
/// successes counted (`SucceededRun`) and only the attempts rank 0 needs one by one kept
/// (`SlotOutcome`). A slot's outcome is due when its chunk ends (it asks for more) or when it
/// holds such an attempt (a failure to retry or count, a cancellation, a value rank 0 folds);
/// what waits goes with the writer's first heartbeat once the oldest has waited
/// `longestWaitSeconds` (`takeOverdue`), and before any other message it relays (`takeAll`).
/// So rank 0 hears from a node about once per chunk that ends, not per task, and keeps nothing
/// per task of a plain sweep.
package struct NodeResults {
    /// One slot of one rank.
    private struct Key: Hashable {
        var rank: Int
        var slot: Int
    }

    private var waiting: [Key: SlotOutcome] = [:]
    /// When the oldest of `waiting` began to wait (seconds on the caller's clock).
    private var waitingSince = 0.0
    /// Whether rank 0 folds task values (a reducer, a `stop_when:` or `race:`, a stage graph):
    /// then every attempt goes to it one by one, with its value.
    private let keepsValues: Bool
    /// Task `i`'s `cores:`.
    private let cores: @Sendable (Int) -> Int

    /// A fold for a workload whose values rank 0 folds or not (`keepsValues`), whose task `i`
    /// uses `cores(i)` cores.
    package init(keepsValues: Bool, cores: @escaping @Sendable (Int) -> Int) {
        self.keepsValues = keepsValues
        self.cores = cores
    }

    /// How long successes may wait for their chunk's end before they go all the same: what rank
    /// 0's counts (the status, the progress line) may lag a slot's tasks by. Every heartbeat
    /// instead, each node's busy slots would cost rank 0 an outcome a second each: more than
    /// their chunks' ends at 10⁵ ranks (`bench/README.md`, "Rank 0 at 10⁵ ranks").
    package static let longestWaitSeconds = 5.0

    /// Whether nothing waits.
    package var isEmpty: Bool { waiting.isEmpty }

    /// Takes the finished attempts `records` of `rank`'s slot `slot`, in the order they ran
    /// (`wantsMore`: its chunk ended and it asks for one more), at `now` (seconds on a clock of
    /// the caller's); returns the outcomes due now, in order (none: they wait).
    package mutating func take(
        _ records: [TaskRecord], slot: Int, wantsMore: Bool, from rank: Int, at now: Double
    ) -> [SlotOutcome] {
        let key = Key(rank: rank, slot: slot)
        var outcome = waiting.removeValue(forKey: key) ?? SlotOutcome(rank: rank, slot: slot)
        var due: [SlotOutcome] = []
        for record in records {
            guard record.status == .ok, !keepsValues else {
                outcome.records.append(record.forRankZero(keepingValue: keepsValues))
                continue
            }
            if !outcome.records.isEmpty {  // an outcome's counted successes come before its records
                due.append(outcome)
                outcome = SlotOutcome(rank: rank, slot: slot)
            }
            outcome.succeeded.add(record, cores: cores(record.index))
        }
        outcome.wantsMore = wantsMore
        if wantsMore || !outcome.records.isEmpty {
            due.append(outcome)
        } else if !outcome.isEmpty {
            if waiting.isEmpty { waitingSince = now }
            waiting[key] = outcome
        }
        return due
    }

    /// Every outcome that waits, taken, if the oldest has waited `longestWaitSeconds` at `now`.
    package mutating func takeOverdue(at now: Double) -> [SlotOutcome] {
        guard !waiting.isEmpty, now - waitingSince >= Self.longestWaitSeconds else { return [] }
        return takeAll()
    }

    /// Every outcome that waits, taken.
    package mutating func takeAll() -> [SlotOutcome] {
        defer { waiting.removeAll(keepingCapacity: true) }
        return Array(waiting.values)
    }
}
