import MPIBatchJournal

/// The persistent workers' start-ups of a run (`python:`, `worker:`): each drawn as a span of
/// its own that ends where the task that waited for it begins, since start-up is not task
/// time. A run has one per slot that ran worker tasks, plus one per worker replaced; beyond
/// `limit` they are counted, not kept.
struct TimelineStartups {
    /// One start-up on a slot.
    struct Startup {
        /// When it began, in seconds since the run began on its rank.
        let start: Double
        /// When the task that waited for it began.
        let end: Double
        /// That task's index.
        let index: Int
    }

    /// The start-ups kept, by slot, in journal order.
    private(set) var bySlot: [TimelineSlotID: [Startup]] = [:]
    /// Start-ups read.
    private(set) var count = 0
    /// Their seconds in all.
    private(set) var seconds = 0.0
    /// Start-ups kept (at most `limit`).
    private(set) var kept = 0
    private let limit: Int

    /// None yet; at most `limit` will be kept.
    init(limit: Int) { self.limit = limit }

    /// Takes `attempt`'s start-up, if a worker started for it.
    mutating func add(_ attempt: JournalEntry) {
        guard let took = attempt.workerStartSeconds, took > 0 else { return }
        count += 1
        seconds += took
        guard kept < limit else { return }
        kept += 1
        bySlot[TimelineSlotID(rank: attempt.rank, slot: attempt.slot), default: []].append(
            Startup(start: max(0, attempt.start - took), end: attempt.start, index: attempt.index))
    }
}
