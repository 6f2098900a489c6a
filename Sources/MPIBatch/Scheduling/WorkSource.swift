/// Where the coordinator's fresh work comes from: a flat index range sized by a
/// `ChunkPolicy` (`IndexDispenser`), or a stage graph that releases a stage's
/// tasks once its dependencies finish. The coordinator owns retries, fail-fast
/// and the stop protocol; a source only decides what runs next.
public protocol WorkSource {
    /// The next range for the slot with global ordinal `slotOrdinal`; nil when
    /// nothing is ready now (the request waits and is asked again after the next
    /// task finishes for good) or ever (`isExhausted`).
    mutating func next(forSlotOrdinal slotOrdinal: Int) -> Range<Int>?
    /// Whether every task has been handed out (or will never run); in-flight tasks may still be running.
    var isExhausted: Bool { get }
    /// Tasks from this index on are not run (a precision target was met).
    var limit: Int { get }
    /// Lowers `limit`.
    mutating func lowerLimit(to newLimit: Int)
    /// A task's final attempt came back: ok, or failed after its retries.
    mutating func finished(_ record: TaskRecord)
    /// Summary fields the source adds to `summary.json`, written into an open object.
    func writeSummaryFields(to json: inout JSONWriter)
    /// Lines the source adds to the human summary.
    func humanSummary() -> [String]
}

extension WorkSource {
    /// A flat range needs no completion callbacks.
    public mutating func finished(_ record: TaskRecord) {}
    /// No extra summary fields.
    public func writeSummaryFields(to json: inout JSONWriter) {}
    /// No extra summary lines.
    public func humanSummary() -> [String] { [] }
}

extension Workload {
    /// A flat index range under `policy`; stage graphs provide their own source.
    public func makeWorkSource(policy: ChunkPolicy, totalSlots: Int) -> any WorkSource {
        IndexDispenser(policy: policy, taskCount: taskCount, totalSlots: totalSlots)
    }
}
