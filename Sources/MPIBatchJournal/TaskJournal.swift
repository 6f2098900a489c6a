import MPIBatchCore

/// Where rank 0's finished attempts go: `results.jsonl` (`Journal`), or a sharded part's
/// shards, one per node (`NodeShardJournals`).
package protocol TaskJournal: Sendable {
    /// Queues finished attempts for writing (waits while the writer is far behind).
    func append(_ records: [TaskRecord])
    /// Calls `handler` when a write fails (at once if one already has).
    func onFailure(_ handler: @escaping @Sendable (OutputError) -> Void)
    /// Writes everything queued, fsyncs and stops; returns the first write error, if any, and
    /// how many successful attempts it left unwritten.
    func close() -> (error: OutputError, unwrittenSucceeded: Int)?
}

extension Journal: TaskJournal {}
