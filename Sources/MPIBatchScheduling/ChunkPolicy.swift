import MPIBatchCore

/// How the coordinator sizes the index ranges it hands out (`--chunk`).
public enum ChunkPolicy: String, Sendable, CaseIterable {
    /// Guided self-scheduling by factoring (each chunk 1/(2P) of what is left) with a
    /// floor that keeps a chunk longer than a message round trip, from measured task times,
    /// and at most `IndexDispenser.maximumAutoChunk` tasks.
    case auto
    /// One block per slot, fixed before the run: the baseline dynamic schedules beat.
    case `static`
    /// Fixed chunks of about n/(64P) tasks, handed out on demand.
    case dynamic
    /// Classic guided self-scheduling: each chunk 1/P of what is left, at least one task.
    case guided
}

/// Hands out fresh index ranges under a `ChunkPolicy`. Knows nothing of messages.
package struct IndexDispenser: WorkSource {
    private let policy: ChunkPolicy
    private let totalSlots: Int
    private let taskCount: Int
    package private(set) var limit: Int
    private var nextIndex = 0
    private var staticTaken: [Bool]
    private var staticUntaken: Int
    private var measuredTasks = 0
    private var measuredSeconds = 0.0

    /// Chunks should last at least this long, so messaging stays a small share of the work.
    static let minimumChunkSeconds = 50e-6
    /// The most tasks in an `auto` chunk. A chunk's finished records can wait in rank 0's
    /// memory while the journal catches up (rank 0's own slots run on meanwhile), so chunks
    /// of 1/(2P) of a large job made rank 0's peak memory grow with the task count (500,000
    /// tasks a chunk at 2·10⁶ tasks and np=2: 214 MB at 10⁶ tasks, 381 MB at 4·10⁶). A slot
    /// holds two chunks: 16,384 tasks a chunk keeps rank 0's backlog of its own slots' records
    /// near 8 MB (65,536 held 30 MB of them at the peak, np=2); a chunk of instant tasks still
    /// lasts milliseconds, far longer than its request's round trip.
    static let maximumAutoChunk = 1 << 14

    package init(policy: ChunkPolicy, taskCount: Int, totalSlots: Int) {
        self.policy = policy
        self.taskCount = taskCount
        self.totalSlots = max(1, totalSlots)
        self.limit = taskCount
        staticTaken = policy == .static ? Array(repeating: false, count: max(1, totalSlots)) : []
        staticUntaken = policy == .static ? max(1, totalSlots) : 0
    }

    /// Whether every index below the limit has been handed out.
    package var isExhausted: Bool {
        policy == .static ? staticUntaken == 0 : nextIndex >= limit
    }

    /// The next range for the slot with global ordinal `slotOrdinal`, or nil when it gets no more.
    package mutating func next(forSlotOrdinal slotOrdinal: Int) -> Range<Int>? {
        if policy == .static { return nextStaticBlock(for: slotOrdinal) }
        let remaining = limit - nextIndex
        guard remaining > 0 else { return nil }
        let size = min(remaining, chunkSize(remaining: remaining))
        defer { nextIndex += size }
        return nextIndex..<(nextIndex + size)
    }

    /// The next range, if the slot may take its first index now (`static` blocks are the
    /// slots' own: handed out as they are).
    package mutating func next(forSlotOrdinal slotOrdinal: Int, admitting: (Int) -> Bool) -> Range<Int>? {
        guard policy == .static || nextIndex >= limit || admitting(nextIndex) else { return nil }
        return next(forSlotOrdinal: slotOrdinal)
    }

    /// Lowers the limit (a precision target met): indices from `newLimit` on are not handed out.
    package mutating func lowerLimit(to newLimit: Int) { limit = min(limit, max(0, newLimit)) }

    /// Hands out nothing more from `range` (a flat sweep's early stop covers all of it).
    package mutating func stopEarly(_ range: Range<Int>, winner: Int, value: TaskValue) {
        if range.lowerBound <= nextIndex { nextIndex = max(nextIndex, range.upperBound) }
        if range.lowerBound == 0, range.upperBound >= taskCount {
            staticTaken = staticTaken.map { _ in true }
            staticUntaken = 0
        }
    }

    /// Whether `index` was handed out: below the next index, or (`static`) in a block taken.
    package func hasHandedOut(_ index: Int) -> Bool? {
        guard policy == .static else { return index < nextIndex }
        let block = (0..<totalSlots).first { index < taskCount * ($0 + 1) / totalSlots } ?? 0
        return block < staticTaken.count ? staticTaken[block] : true
    }

    /// Feeds finished task times to the `auto` policy's floor.
    package mutating func finished(_ record: TaskRecord) {
        measuredTasks += 1
        measuredSeconds += record.seconds
    }

    /// Feeds counted task times to the `auto` policy's floor.
    package mutating func finished(succeeded count: Int, seconds: Double) {
        measuredTasks += count
        measuredSeconds += seconds
    }

    /// The policy re-planned over the work left: chunks sized from what remains, not from the whole job.
    package func resumed(taskCount: Int, done: IndexRanges, failed: IndexRanges, values: [Int: TaskValue]) -> any WorkSource {
        RemainingIndexSource(taskCount: taskCount, done: done, failed: failed) { [policy, totalSlots] remaining in
            IndexDispenser(policy: policy, taskCount: remaining, totalSlots: totalSlots)
        }
    }

    private func chunkSize(remaining: Int) -> Int {
        switch policy {
        case .static: return remaining
        case .dynamic: return max(1, (taskCount + 64 * totalSlots - 1) / (64 * totalSlots))
        case .guided: return max(1, (remaining + totalSlots - 1) / totalSlots)
        case .auto:
            let factoring = (remaining + 2 * totalSlots - 1) / (2 * totalSlots)
            return min(Self.maximumAutoChunk, max(1, factoring, floorFromMeasurements))
        }
    }

    private var floorFromMeasurements: Int {
        guard measuredTasks > 0 else { return 1 }
        let mean = max(measuredSeconds / Double(measuredTasks), 1e-9)
        return Int(min(1e9, (Self.minimumChunkSeconds / mean).rounded(.up)))
    }

    private mutating func nextStaticBlock(for ordinal: Int) -> Range<Int>? {
        guard ordinal >= 0, ordinal < staticTaken.count, !staticTaken[ordinal] else { return nil }
        staticTaken[ordinal] = true
        staticUntaken -= 1
        let lower = taskCount * ordinal / totalSlots
        let upper = min(limit, taskCount * (ordinal + 1) / totalSlots)
        return lower < upper ? lower..<upper : nil
    }
}
