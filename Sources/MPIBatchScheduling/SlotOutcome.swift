import MPIBatchCore

/// Successful attempts of one slot that rank 0 needs only counted (`SlotOutcome.succeeded`):
/// their number, the last one's index, and the sums and maxima the run's figures take from
/// them. A node writer folds them as they come; rank 0 keeps nothing of them per task.
package struct SucceededRun: Sendable, Equatable {
    /// The rank whose slot ran them.
    package var rank: Int
    /// The slot, of that rank.
    package var slot: Int
    /// How many attempts succeeded.
    package var count = 0
    /// The last one's index (a slot runs its chunks in order: it reported every task it held before).
    package var lastIndex = -1
    /// Their task seconds, summed.
    package var seconds = 0.0
    /// Their task seconds times each one's `cores:`, summed (the summary's core-seconds).
    package var coreSeconds = 0.0
    /// The largest peak resident memory among them, in bytes (0: none measured).
    package var maxRSSBytes = 0
    /// Their task seconds times each one's devices (`gpus:`), summed.
    package var gpuSeconds = 0.0

    /// No attempt yet of `rank`'s slot `slot`.
    package init(rank: Int, slot: Int) {
        self.rank = rank
        self.slot = slot
    }

    /// Folds in `record`, a successful attempt of task `record.index` that used `cores` cores.
    package mutating func add(_ record: TaskRecord, cores: Int) {
        count += 1
        lastIndex = record.index
        seconds += record.seconds
        coreSeconds += record.seconds * Double(cores)
        maxRSSBytes = max(maxRSSBytes, record.usage?.maxRSSBytes ?? 0)
        if let gpus = record.gpus { gpuSeconds += record.seconds * Double(TaskRecord.deviceCount(gpus)) }
    }
}

/// What a node writer tells rank 0 of one slot's finished attempts (`RuntimeMessage.finished`),
/// in the slot's order: first its successes that rank 0 only counts (`succeeded`), then the
/// attempts it needs one by one (`records`, cut by `TaskRecord.forRankZero`: failures,
/// cancellations, interruptions, and successes whose values rank 0 folds), then whether the
/// slot's chunk ended and it asks for one more (`wantsMore`).
package struct SlotOutcome: Sendable, Equatable {
    /// The successes rank 0 only counts.
    package var succeeded: SucceededRun
    /// The attempts rank 0 needs one by one, after `succeeded`'s.
    package var records: [TaskRecord] = []
    /// Whether the slot asks for one more chunk (its chunk ended), after all of them.
    package var wantsMore = false

    /// Nothing yet of `rank`'s slot `slot`.
    package init(rank: Int, slot: Int) {
        succeeded = SucceededRun(rank: rank, slot: slot)
    }

    /// The rank whose slot this is.
    package var rank: Int { succeeded.rank }
    /// The slot, of that rank.
    package var slot: Int { succeeded.slot }
    /// Whether it says nothing.
    package var isEmpty: Bool { succeeded.count == 0 && records.isEmpty && !wantsMore }
}

extension TaskRecord {
    /// How many devices a `gpus` list (`0,1`) names.
    package static func deviceCount(_ gpus: String) -> Int {
        gpus.split(separator: ",").count
    }
}
