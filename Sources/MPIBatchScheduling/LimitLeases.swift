import MPIBatchJob

/// Rank 0's account of the job's named limits (`limits:`, `uses:`), kept by the coordinator.
///
/// A slot runs one task at a time, so a slot that is handed a chunk of tasks that each use
/// `db: 1` needs one unit of `db` for the whole chunk, not one per task. The coordinator
/// therefore leases units to slots, not to tasks: a slot takes the units its chunk's tasks
/// use when the chunk is handed to it (more only if its lease does not already cover them),
/// keeps them while it has anything in hand (the chunk it runs, the one it holds ahead), and
/// gives them all back when it has nothing in hand. The lease rides on the messages a chunk
/// costs anyway (assign, results): no message and no work per task is added, and a run whose
/// tasks use no limit never comes here. A retry, or a chunk the deadline or the tail rule cut,
/// is leased again by the slot that takes it.
///
/// In use at once ≤ the units leased ≤ each limit's capacity: the bound holds whatever the
/// tasks do, because no slot runs a limited task outside its lease.
package struct LimitLeases {
    /// Units leased now, by limit number.
    private var inUse: [Int: Int] = [:]
    /// Units each slot (by global ordinal) holds, by limit number; only slots that hold some.
    private var held: [Int: [Int: Int]] = [:]
    /// The most units leased at once, by limit name (for tests and the summary).
    package private(set) var peak: [String: Int] = [:]
    /// Each limit's capacity, by name, as the leases met it.
    private var capacities: [String: Int] = [:]

    package init() {}

    /// Whether slot `ordinal` could take a chunk whose tasks each use `uses` now.
    package func admits(_ uses: LimitUses, slot ordinal: Int) -> Bool {
        let holds = held[ordinal]
        for use in uses.uses {
            let extra = use.units - (holds?[use.limit] ?? 0)
            if extra > 0, inUse[use.limit, default: 0] + extra > use.capacity { return false }
        }
        return true
    }

    /// Leases slot `ordinal` the units `uses` asks beyond what it holds; false (nothing
    /// taken) when some limit has not enough free.
    package mutating func acquire(_ uses: LimitUses, slot ordinal: Int) -> Bool {
        guard !uses.isEmpty else { return true }
        guard admits(uses, slot: ordinal) else { return false }
        var holds = held[ordinal] ?? [:]
        for use in uses.uses {
            let extra = use.units - holds[use.limit, default: 0]
            guard extra > 0 else { continue }
            holds[use.limit] = use.units
            inUse[use.limit, default: 0] += extra
            peak[use.name] = max(peak[use.name] ?? 0, inUse[use.limit]!)
            capacities[use.name] = use.capacity
        }
        held[ordinal] = holds
        return true
    }

    /// Slot `ordinal` has nothing in hand: its units go back.
    package mutating func release(slot ordinal: Int) {
        guard let holds = held.removeValue(forKey: ordinal) else { return }
        for (limit, units) in holds { inUse[limit, default: 0] -= units }
    }

    /// Units of limit number `limit` leased now.
    package func leased(_ limit: Int) -> Int { inUse[limit] ?? 0 }

    /// `limit db: at most 2 of its 2 units leased at once`, one line per limit some task used,
    /// for the summary (in use at once was at most that).
    package var summaryLines: [String] {
        peak.keys.sorted().map { name in
            "limit \(name): at most \(peak[name]!) of its \(capacities[name] ?? 0) units leased at once (in use: at most that)"
        }
    }
}
