import MPIBatchCore
import MPIBatchScheduling

/// Busy time and task counts, per rank and per slot, folded from finished attempts on rank 0.
package struct RunStatistics {
    /// Work done by one slot.
    package struct SlotTally: Equatable {
        package var tasks = 0
        package var busySeconds = 0.0
        /// The largest peak resident memory of its tasks, in bytes (0: none measured).
        package var maxRSSBytes = 0
    }

    package private(set) var slots: [[SlotTally]]
    package private(set) var attempts = 0
    package private(set) var taskSeconds = 0.0
    /// The last failed attempt of each task that used up its retries (capped, for the summary).
    package private(set) var finalFailures: [TaskRecord] = []
    /// Per rank, seconds × devices of its `gpus:` tasks (empty until the first such record).
    package private(set) var gpuSeconds: [Double] = []
    private let retries: @Sendable (Int) -> Int
    private let cores: @Sendable (Int) -> Int

    /// How many failures the summary lists by name.
    static let listedFailures = 100

    /// - Parameter cores: task i's `cores:`; its seconds count that many times in `taskSeconds` (core-seconds).
    package init(slotsPerRank: [Int], retries: @escaping @Sendable (Int) -> Int, cores: @escaping @Sendable (Int) -> Int = { _ in 1 }) {
        slots = slotsPerRank.map { Array(repeating: SlotTally(), count: $0) }
        self.retries = retries
        self.cores = cores
    }

    package mutating func add(_ records: [TaskRecord]) {
        for record in records {
            attempts += 1
            taskSeconds += record.seconds * Double(cores(record.index))
            if record.rank < slots.count, record.slot < slots[record.rank].count {
                slots[record.rank][record.slot].tasks += 1
                slots[record.rank][record.slot].busySeconds += record.seconds
                slots[record.rank][record.slot].maxRSSBytes = max(
                    slots[record.rank][record.slot].maxRSSBytes, record.usage?.maxRSSBytes ?? 0)
                if let gpus = record.gpus { addGPUSeconds(record.seconds * Double(TaskRecord.deviceCount(gpus)), rank: record.rank) }
            }
            if record.status == .failed || record.status == .timeout, record.attempt > retries(record.index),
                finalFailures.count < Self.listedFailures
            {
                finalFailures.append(record)
            }
        }
    }

    /// Adds successes that came counted (a node writer's `SucceededRun`).
    package mutating func add(_ run: SucceededRun) {
        attempts += run.count
        taskSeconds += run.coreSeconds
        guard run.rank < slots.count, run.slot < slots[run.rank].count else { return }
        slots[run.rank][run.slot].tasks += run.count
        slots[run.rank][run.slot].busySeconds += run.seconds
        slots[run.rank][run.slot].maxRSSBytes = max(slots[run.rank][run.slot].maxRSSBytes, run.maxRSSBytes)
        if run.gpuSeconds > 0 { addGPUSeconds(run.gpuSeconds, rank: run.rank) }
    }

    private mutating func addGPUSeconds(_ deviceSeconds: Double, rank: Int) {
        if gpuSeconds.isEmpty { gpuSeconds = Array(repeating: 0, count: slots.count) }
        gpuSeconds[rank] += deviceSeconds
    }

    /// Each rank's summed slot tallies.
    package var ranks: [SlotTally] {
        slots.map { rank in
            rank.reduce(into: SlotTally()) {
                $0.tasks += $1.tasks
                $0.busySeconds += $1.busySeconds
                $0.maxRSSBytes = max($0.maxRSSBytes, $1.maxRSSBytes)
            }
        }
    }

}
