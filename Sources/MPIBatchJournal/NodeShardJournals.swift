import MPIBatchCore

/// A sharded part's journal as rank 0 writes it: each node's attempts go to that node's shard
/// (`journal/nNNNN.pP.jsonl`), each shard with a `Journal` (a writer thread) of its own.
/// Rank 0 writes every node's shard until the node writers are built (docs/how-it-works.md,
/// "A journal per node"); the files and their lines are already theirs.
package final class NodeShardJournals: TaskJournal {
    private let journals: [Journal]
    private let nodeOfRank: [Int]

    /// Opens the shards at `paths` (by node; made by `JournalShards.create`) for part `part`;
    /// rank r's attempts go to node `nodeOfRank[r]`'s; `observer` is shown every shard's lines.
    package init(
        paths: [String], part: Int, nodeOfRank: [Int], workload: any ParameterFormatter, startOffset: Double,
        observer: (any JournalObserver)?
    ) throws(OutputError) {
        var journals: [Journal] = []
        for path in paths {
            journals.append(try Journal(path: path, workload: workload, startOffset: startOffset, part: part, observer: observer))
        }
        self.journals = journals
        self.nodeOfRank = nodeOfRank
    }

    /// Queues `records` on their ranks' nodes' shards (one message's records come from one rank: one append).
    package func append(_ records: [TaskRecord]) {
        guard let first = records.first else { return }
        let node = node(of: first.rank)
        if records.allSatisfy({ self.node(of: $0.rank) == node }) {
            journals[node].append(records)
            return
        }
        var byNode: [Int: [TaskRecord]] = [:]
        for record in records { byNode[self.node(of: record.rank), default: []].append(record) }
        for (node, records) in byNode.sorted(by: { $0.key < $1.key }) { journals[node].append(records) }
    }

    /// Rank `rank`'s node; a rank placed on none (a library caller that gave no `nodeOfRank`) is node 0's.
    private func node(of rank: Int) -> Int {
        rank < nodeOfRank.count ? nodeOfRank[rank] : 0
    }

    /// Calls `handler` when a write to any shard fails (the error names the shard).
    package func onFailure(_ handler: @escaping @Sendable (OutputError) -> Void) {
        for journal in journals { journal.onFailure(handler) }
    }

    /// Closes every shard; returns the first failure and the successful attempts left unwritten on all of them.
    package func close() -> (error: OutputError, unwrittenSucceeded: Int)? {
        let failures = journals.compactMap { $0.close() }
        guard let first = failures.first else { return nil }
        return (first.error, failures.reduce(0) { $0 + $1.unwrittenSucceeded })
    }
}
