import MPIBatchCore
import MPIBatchJournal

/// What one streaming pass over a run's journal says about its tasks' memory: each attempt's
/// peak resident memory (`max_rss_bytes`), rank and span, so that the peaks of the attempts that
/// ran at once on a node can be added up. Only the lines of the run's last part count; past
/// `keptAttempts` measured attempts it gives up (no finding rather than a held million).
package struct MemoryPeaks: JournalVisitor {
    /// The most measured attempts kept (4 MB).
    package static let keptAttempts = 131_072

    private let startOffset: Double
    private var spans: [(rank: Int, start: Double, end: Double, bytes: Int)] = []
    /// Whether more than `keptAttempts` attempts were measured: the check was not made (the summary says so).
    package private(set) var overflowed = false

    /// An analysis of the lines that start at or after `startOffset`.
    init(startOffset: Double) { self.startOffset = startOffset }

    /// Keeps one measured attempt.
    mutating func visit(_ line: JournalFileReader.Line) {
        let entry = line.entry
        guard entry.start >= startOffset, let bytes = entry.maxRSSBytes, bytes > 0, !overflowed else { return }
        guard spans.count < Self.keptAttempts else {
            overflowed = true
            spans = []
            return
        }
        spans.append((entry.rank, entry.start, entry.start + entry.seconds, bytes))
    }

    /// Per node (rank r on `hosts[r]`), the largest sum of the peaks of attempts that ran at once
    /// and the largest single peak; empty when nothing was measured or too much was.
    package func sums(hosts: [String]) -> [(host: String, atOnce: Int, largest: Int)] {
        var byHost: [String: [(start: Double, end: Double, bytes: Int)]] = [:]
        for span in spans where span.rank < hosts.count { byHost[hosts[span.rank], default: []].append((span.start, span.end, span.bytes)) }
        return HostGroups.of(hosts).compactMap { group in
            guard let list = byHost[group.host] else { return nil }
            // Ends before starts at the same moment: back-to-back tasks do not overlap.
            var events: [(time: Double, change: Int)] = list.map { (time: $0.end, change: -$0.bytes) }
            events += list.map { (time: $0.start, change: $0.bytes) }
            events.sort { (a: (time: Double, change: Int), b: (time: Double, change: Int)) -> Bool in
                a.time < b.time || (a.time == b.time && a.change < b.change)
            }
            var running = 0
            var most = 0
            for event in events {
                running += event.change
                most = max(most, running)
            }
            return (group.host, most, list.map(\.bytes).max() ?? 0)
        }
    }
}

extension RunFindings {
    /// `memory_overcommit`: on some node the peaks of the tasks that ran at once add up to more
    /// than its memory (`nodeMemory` of its host): had they peaked together, the kernel's OOM killer
    /// would have ended one of them, or a rank. Recommends `memory:`, which packs and enforces.
    package static func memoryOvercommit(_ peaks: MemoryPeaks, hosts: [String], nodeMemory: (String) -> Int) -> Finding? {
        let over = peaks.sums(hosts: hosts).compactMap { node -> (host: String, atOnce: Int, largest: Int, memory: Int)? in
            let memory = nodeMemory(node.host)
            guard memory > 0, node.atOnce > memory else { return nil }
            return (node.host, node.atOnce, node.largest, memory)
        }
        guard let worst = over.max(by: { Double($0.atOnce) / Double($0.memory) < Double($1.atOnce) / Double($1.memory) }) else { return nil }
        return Finding(
            kind: "memory_overcommit",
            message: "on \(worst.host) the peak memory of the tasks that ran at once added up to "
                + "\(NumberText.bytes(Double(worst.atOnce))), more than its \(NumberText.bytes(Double(worst.memory))): "
                + "had they peaked together, the OOM killer would have ended one of them (or a rank)",
            numbers: [
                .init("peak_bytes_at_once", Double(worst.atOnce)), .init("node_memory_bytes", Double(worst.memory)),
                .init("largest_task_peak_bytes", Double(worst.largest)),
            ],
            recommendation: "give the tasks memory: (their largest peak was \(NumberText.bytes(Double(worst.largest)))), so that a node "
                + "runs only as many at once as its memory holds and a task over it fails saying so")
    }
}
