/// One row of the timeline: a (rank, slot) with its host and its spans (none for a slot
/// that never ran a task).
struct TimelineRow {
    /// Its rank and slot.
    let id: TimelineSlotID
    /// The rank's host, or "" when the summary does not say.
    let host: String
    /// What the slot ran, in start order.
    let spans: [TimelineSpan]
    /// Its persistent workers' start-ups.
    let startups: [TimelineStartups.Startup]

    /// One row per slot the summary lists and per track the journal has, by rank then slot.
    static func rows(of spans: TimelineSpans, startups: TimelineStartups, summary: RunSummary) -> [TimelineRow] {
        var hosts: [Int: String] = [:]
        var found: [TimelineSlotID: [TimelineSpan]] = [:]
        for rank in summary.ranks {
            hosts[rank.rank] = rank.host
            for slot in 0..<max(0, rank.slots) { found[TimelineSlotID(rank: rank.rank, slot: slot)] = [] }
        }
        for track in spans.tracks { found[track.id] = track.spans }
        return found.keys.sorted().map { id in
            TimelineRow(id: id, host: hosts[id.rank] ?? "", spans: found[id]!, startups: startups.bySlot[id] ?? [])
        }
    }

    /// "rank 0 (node7)", or "rank 0" when the host is unknown.
    var rankName: String { host.isEmpty ? "rank \(id.rank)" : "rank \(id.rank) (\(host))" }

    /// "slot 2".
    var slotName: String { "slot \(id.slot)" }
}
