import Foundation
import MPIBatchCore
import MPIBatchScheduling

/// What rank 0's coordinator knows of a running run at one moment, gathered from counts
/// and per-slot state it keeps anyway (never per task, never from the journal): the
/// raw material of `status.json` and the live `report.html`.
package struct LiveFigures {
    /// Tasks in the run.
    var total: Int
    /// Tasks finished for good (ok, failed after retries, cancelled).
    var finished: Int
    /// Tasks failed after their retries.
    var failed: Int
    /// Tasks cancelled.
    var cancelled: Int
    /// The slots running a task.
    var busy: [BusySlot]
    /// The coordinator's clock now (the busy slots' `since` is on it).
    var now: Double
    /// Each rank's node (nil until its first heartbeat).
    var hosts: [String?]
    /// Each rank's slots.
    var slotsPerRank: [Int]
    /// Each rank's finished attempts so far.
    var rankTasks: [Int]
    /// Each rank's busy seconds so far.
    var rankBusySeconds: [Double]
    /// Whether the run has begun to stop.
    var stopping: Bool
    /// Why it stops, when early.
    var stopReason: String?
    /// The stage graph's stages by state, for a stage graph.
    var stages: String?
    /// What the work source found so far.
    var findings: [Finding]

    /// Every stored property, as the memberwise initializer had it (another target builds it).
    package init(
        total: Int, finished: Int, failed: Int, cancelled: Int, busy: [BusySlot], now: Double, hosts: [String?],
        slotsPerRank: [Int], rankTasks: [Int], rankBusySeconds: [Double], stopping: Bool, stopReason: String? = nil,
        stages: String? = nil, findings: [Finding]
    ) {
        self.total = total
        self.finished = finished
        self.failed = failed
        self.cancelled = cancelled
        self.busy = busy
        self.now = now
        self.hosts = hosts
        self.slotsPerRank = slotsPerRank
        self.rankTasks = rankTasks
        self.rankBusySeconds = rankBusySeconds
        self.stopping = stopping
        self.stopReason = stopReason
        self.stages = stages
        self.findings = findings
    }
}

extension RunStatus {
    /// The status of a running run from `figures`, as write number `sequence` of rank 0
    /// (`host`, `pid`), `elapsed` seconds after this part began (at Unix time `startedAt`).
    package init(
        running figures: LiveFigures, name: String, sequence: Int, periodSeconds: Double, host: String, pid: Int32,
        startedAt: Double, elapsed: Double, answers: [Answer], ignoredControlLines: Int
    ) {
        let hostOf = { (rank: Int) in rank < figures.hosts.count ? figures.hosts[rank] ?? "?" : "?" }
        var running = figures.busy.map {
            Running(index: $0.index, rank: $0.rank, slot: $0.slot, host: hostOf($0.rank), seconds: max(0, figures.now - $0.since))
        }
        running.sort { ($0.seconds, $1.index) > ($1.seconds, $0.index) }
        let nodes = HostGroups.of(figures.slotsPerRank.indices.map(hostOf)).map { group in
            Node(
                host: group.host, ranks: group.ranks, slots: group.ranks.reduce(0) { $0 + figures.slotsPerRank[$1] },
                tasks: group.ranks.reduce(0) { $0 + figures.rankTasks[$1] },
                busySeconds: group.ranks.reduce(0) { $0 + figures.rankBusySeconds[$1] },
                running: figures.busy.count { group.ranks.contains($0.rank) })
        }
        let throughput = elapsed > 0 ? Double(figures.finished) / elapsed : 0
        let left = max(0, figures.total - figures.finished)
        self.init(
            state: .running, sequence: sequence, periodSeconds: periodSeconds, name: name, host: host, pid: pid,
            writtenAt: Date().timeIntervalSince1970, startedAt: startedAt, elapsedSeconds: elapsed, total: figures.total,
            finished: figures.finished, failed: figures.failed, cancelled: figures.cancelled, left: left,
            running: Array(running.prefix(Self.runningShown)), runningCount: running.count, throughput: throughput,
            etaSeconds: throughput > 0 && figures.finished > 0 ? Double(left) / throughput : nil, nodes: nodes,
            stopping: figures.stopping, stopReason: figures.stopReason,
            findings: figures.findings.map { "\($0.kind): \($0.message)" }, stages: figures.stages, answers: answers,
            ignoredControlLines: ignoredControlLines, exitStatus: nil)
    }

    /// The status of the run once it ended with `summary` (and exit status `exitStatus`),
    /// carrying on from `last`, the last status written while it ran.
    package init(ended summary: RunSummary, exitStatus: Int32, after last: RunStatus) {
        self = last
        state = exitStatus == 0 ? .finished : exitStatus == 3 ? .interrupted : .failed
        sequence = last.sequence + 1
        writtenAt = Date().timeIntervalSince1970
        total = summary.tasksTotal
        failed = summary.tasksFailed
        cancelled = summary.tasksCancelled
        finished = min(total, summary.tasksSucceeded + summary.tasksFailed + summary.tasksCancelled)
        left = max(0, total - finished)
        running = []
        runningCount = 0
        etaSeconds = nil
        throughput = summary.throughput
        nodes = summary.nodes.map {
            Node(host: $0.host, ranks: $0.ranks, slots: $0.slots, tasks: $0.tasks, busySeconds: $0.busySeconds, running: 0)
        }
        stopping = false
        stopReason = summary.stopReason
        findings = summary.findings.map { "\($0.kind): \($0.message)" }
        self.exitStatus = exitStatus
    }
}
