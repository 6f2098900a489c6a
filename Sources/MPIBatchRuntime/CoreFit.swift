/// Whether a workload's widest task fits on every rank: a task of `cores: k` runs
/// on one rank and takes k of its slots, and any rank may be handed any task.
package enum CoreFit {
    /// Why the widest task fits no slot pool of `slotsPerRank` (a `path:line:col:`
    /// message naming the rank), or nil when it fits every rank.
    package static func problem(widest: (cores: Int, place: String), slotsPerRank: [Int]) -> String? {
        guard let (rank, slots) = slotsPerRank.enumerated().min(by: { $0.element < $1.element }), widest.cores > slots else {
            return nil
        }
        let place = widest.place.isEmpty ? "" : widest.place + ": "
        return "\(place)a task of cores: \(widest.cores) needs \(widest.cores) slots of one rank, but rank \(rank) has \(slots); "
            + "run with --slots \(widest.cores) or more (fewer ranks per node), or ask for fewer cores"
    }
}
