import MPIBatchCore
import MPIBatchScheduling
import MPIBatchWorkloads

/// The findings of a finished run: from its figures (imbalance between ranks and nodes,
/// dispatch overhead, CPU against wall), from a pass over its journal (stragglers, an idle
/// tail), and from its work source (a stage graph's critical path, stages past `warn_after`).
package enum RunFindings {
    /// Imbalance (max ÷ mean busy time − 1) above this is worth a finding.
    static let imbalanceThreshold = 0.25
    /// Dispatch overhead per task above this share of the mean task time is worth a finding.
    static let overheadShare = 0.25
    /// Ranks whose CPU time is below this share of their busy time wait more than they compute.
    static let cpuShare = 0.5
    /// Slot time idle on the tail above this share is worth a finding.
    static let idleTailShare = 0.15
    /// Ranks busy for less than this in all are too short a run to judge their balance.
    static let shortestBusySeconds = 1.0

    /// Every finding of `summary`'s run from its figures, from `tasks` (its journal's task
    /// times, nil where the journal could not be read) and `source` (the work source's own).
    /// A run that was interrupted, whose journal failed, or of one attempt gets only the
    /// stages past their own `warn_after:`: its figures say nothing about how the work was
    /// spread. (Each finding has its own floor besides: a second of busy time, a tail of half
    /// a second, a hundred attempts, a critical path of a second.)
    package static func make(summary: RunSummary, tasks: TaskTimeAnalysis?, source: [Finding]) -> [Finding] {
        let judged = !summary.interrupted && summary.journalFailure == nil && summary.attempts >= 2
        guard judged else { return source.filter { $0.kind == "stage_over_warn_after" } }
        // A stage graph's critical path that set the wall time: neither the chunk policy nor
        // more slots would have shortened it, so the idle tail and waiting tasks go unmentioned.
        let pathBound = source.contains(where: StageGraphSource.saysPathBound)
        var findings: [Finding] = []
        // With no more tasks than slots, every task started at once: no policy shapes the tail.
        let tailCanChange = summary.tasksTotal > summary.totalSlots && !pathBound
        if let tasks { findings += taskTimeFindings(tasks, policy: summary.chunkPolicy, tailCanChange: tailCanChange) }
        findings += imbalance(summary)
        findings += overheadAndCPU(summary, pathBound: pathBound)
        return findings + source
    }

    /// The chunk policies to suggest against an idle tail: those that shrink the last chunks,
    /// less the one in use.
    static func tailPolicies(instead policy: ChunkPolicy) -> [ChunkPolicy] {
        [ChunkPolicy.auto, .guided].filter { $0 != policy }
    }

    /// Stragglers, and an idle tail when another chunk policy could have changed it (`tailCanChange`).
    private static func taskTimeFindings(_ tasks: TaskTimeAnalysis, policy: ChunkPolicy, tailCanChange: Bool) -> [Finding] {
        var findings: [Finding] = []
        for straggler in tasks.stragglers {
            let place = straggler.group.isEmpty ? "the sweep's" : "stage '\(straggler.group)''s"
            findings.append(Finding(
                kind: "straggler",
                message: "task \(straggler.index) took \(NumberText.fixed(straggler.seconds)) s, "
                    + "\(NumberText.fixed(straggler.seconds / straggler.groupMean, digits: 1))× \(place) mean of "
                    + "\(NumberText.fixed(straggler.groupMean)) s, and ran while other slots had nothing left to do",
                numbers: [
                    .init("index", Double(straggler.index)), .init("seconds", straggler.seconds),
                    .init("mean_seconds", straggler.groupMean),
                ],
                recommendation: "split it into smaller tasks, give it more cores (cores:), or declare long tasks' "
                    + "estimate: so they start first"))
        }
        if tasks.idleTailShare > idleTailShare, tasks.tailSeconds > 0.5, tailCanChange {
            findings.append(Finding(
                kind: "idle_tail",
                message: "\(NumberText.fixed(tasks.idleTailShare * 100, digits: 0))% of the slot time was idle at the end "
                    + "(the last \(NumberText.fixed(tasks.tailSeconds)) s ran on fewer and fewer slots)",
                numbers: [.init("idle_share", tasks.idleTailShare), .init("tail_seconds", tasks.tailSeconds)],
                recommendation: "the last chunks were too long for what was left: "
                    + tailPolicies(instead: policy).map { "use --chunk \($0.rawValue)" }.joined(separator: ", ")
                    + ", or make the longest tasks start first (estimate:)"))
        }
        return findings
    }

    private static func imbalance(_ summary: RunSummary) -> [Finding] {
        var findings: [Finding] = []
        guard summary.ranks.reduce(0, { $0 + $1.busySeconds }) >= shortestBusySeconds else { return [] }
        if summary.ranks.count > 1, summary.imbalance > imbalanceThreshold,
            let hot = summary.ranks.max(by: { $0.busySeconds < $1.busySeconds })
        {
            findings.append(Finding(
                kind: "imbalance",
                message: "rank \(hot.rank) (\(hot.host)) was busy \(NumberText.fixed(hot.busySeconds)) s, "
                    + "\(NumberText.fixed(summary.imbalance * 100, digits: 0))% above the ranks' mean",
                numbers: [.init("imbalance", summary.imbalance), .init("hot_rank", Double(hot.rank))],
                recommendation: "hand work out dynamically (--chunk auto, the default) rather than static blocks, "
                    + "or check that rank's node"))
        }
        let nodes = summary.nodes
        let perSlot = nodes.map { $0.busySeconds / Double(max(1, $0.slots)) }
        let mean = perSlot.reduce(0, +) / Double(max(1, perSlot.count))
        if nodes.count > 1, mean > 0, let worst = perSlot.indices.max(by: { perSlot[$0] < perSlot[$1] }),
            perSlot[worst] / mean - 1 > imbalanceThreshold
        {
            findings.append(Finding(
                kind: "node_imbalance",
                message: "node \(nodes[worst].host) was busy \(NumberText.fixed((perSlot[worst] / mean - 1) * 100, digits: 0))% "
                    + "more per slot than the nodes' mean",
                numbers: [.init("imbalance", perSlot[worst] / mean - 1)],
                recommendation: "a slower or overloaded node: give it fewer ranks, or leave it out"))
        }
        return findings
    }

    /// Dispatch overhead, and tasks that mostly wait: more slots overlap the waiting only when
    /// tasks queued for slots and no critical path set the wall time (`pathBound`).
    private static func overheadAndCPU(_ summary: RunSummary, pathBound: Bool) -> [Finding] {
        var findings: [Finding] = []
        let thisPart = summary.parts.last
        let attempts = thisPart?.attempts ?? summary.attempts
        let meanTask = attempts > 0 ? (thisPart?.taskSeconds ?? summary.taskSeconds) / Double(attempts) : 0
        if attempts >= 100, summary.overheadSecondsPerTask > overheadShare * meanTask {
            findings.append(Finding(
                kind: "dispatch_overhead",
                message: "each task cost \(NumberText.fixed(summary.overheadSecondsPerTask * 1e6, digits: 1)) µs of slot time "
                    + "beyond its own \(NumberText.fixed(meanTask * 1e6, digits: 1)) µs",
                numbers: [.init("overhead_seconds_per_task", summary.overheadSecondsPerTask), .init("mean_task_seconds", meanTask)],
                recommendation: "the tasks are too small for this many slots: put more work in each task, use "
                    + "--chunk auto (the default), or run fewer ranks"))
        }
        let busy = summary.ranks.reduce(0) { $0 + $1.busySeconds }
        let cpu = summary.ranks.reduce(0) { $0 + $1.cpuSeconds }
        if busy >= shortestBusySeconds, cpu / busy < cpuShare, summary.tasksTotal > summary.totalSlots, !pathBound {
            findings.append(Finding(
                kind: "io_bound",
                message: "tasks used \(NumberText.fixed(cpu)) CPU seconds in \(NumberText.fixed(busy)) busy seconds "
                    + "(CPU ÷ wall \(NumberText.fixed(cpu / busy, digits: 2))): they mostly wait",
                numbers: [.init("cpu_seconds", cpu), .init("busy_seconds", busy), .init("cpu_per_wall", cpu / busy)],
                recommendation: "run more slots per rank (--slots N above the cores) so the waiting overlaps"))
        }
        return findings
    }
}
