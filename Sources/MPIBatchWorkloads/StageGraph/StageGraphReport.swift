import MPIBatchCore
import MPIBatchScheduling

/// What a stage graph adds to `summary.json` and the human summary, measured on rank 0's clock.
///
/// `graph_wall_seconds` runs from the first dispatch to the last stage's end as
/// the source saw them (the run's own `wall_seconds` also counts start-up and
/// shutdown; the summary's `improvement_over_sequential` uses that one).
extension StageGraphSource {
    /// Seconds of each stage from its first dispatch to its last result (0 if it never ran).
    var stageSeconds: [Double] { progress.map { $0.seconds ?? 0 } }

    /// The longest path through the graph under measured stage durations.
    var measuredCriticalPath: (length: Double, stages: [Int]) { graph.topology.criticalPath(weights: stageSeconds) }

    /// Summed seconds of every final attempt that came back.
    var finishedTaskSeconds: Double { progress.map(\.taskSeconds).reduce(0, +) }

    /// From the first dispatch to the last stage end, in seconds.
    var graphWallSeconds: Double {
        let starts = progress.compactMap(\.start)
        let ends = progress.compactMap(\.end)
        guard let first = starts.min(), let last = ends.max(), last > first else { return 0 }
        return Double(last - first) * 1e-9
    }

    /// Stages that ran past their `warn_after:`, and what the critical path says about the wall
    /// time: that it bounds it (more slots cannot help), or that slots held the graph back.
    package func findings() -> [Finding] {
        var findings: [Finding] = graph.stages.indices.compactMap { stage in
            guard let limit = graph.stages[stage].warnAfter, let seconds = progress[stage].seconds, seconds > limit
            else { return nil }
            let name = graph.stages[stage].name
            return Finding(
                kind: "stage_over_warn_after",
                message: "stage '\(name)' ran \(NumberText.fixed(seconds)) s, past its warn_after of \(NumberText.fixed(limit)) s",
                numbers: [.init("seconds", seconds), .init("warn_after", limit)],
                recommendation: "look at its tasks' logs; raise warn_after if this is now normal")
        }
        let critical = measuredCriticalPath
        let wall = graphWallSeconds
        // A graph that did not finish (a stage failed or was skipped), or whose path took under
        // a second, says nothing worth acting on about slots.
        guard graph.stages.count > 1, critical.length >= Self.shortestCriticalPath, wall > 0, names(.failed).isEmpty,
            names(.skipped).isEmpty, names(.cancelled).isEmpty
        else { return findings }
        let path = critical.stages.map { graph.stages[$0].name }.joined(separator: " -> ")
        let numbers: [Finding.Number] = [.init("critical_path_seconds", critical.length), .init("graph_wall_seconds", wall)]
        if wall <= Self.pathBoundShare * critical.length, let longest = critical.stages.max(by: { stageSeconds[$0] < stageSeconds[$1] }) {
            findings.append(Finding(
                kind: "critical_path",
                message: "the critical path \(path) (\(NumberText.fixed(critical.length)) s) set the graph's \(NumberText.fixed(wall)) s",
                numbers: numbers,
                recommendation: "more slots will not make it faster; shorten the path's longest stage, "
                    + "'\(graph.stages[longest].name)' (\(NumberText.fixed(stageSeconds[longest])) s), or split it"))
        } else if wall > 1.5 * critical.length {
            findings.append(Finding(
                kind: "critical_path",
                message: "the graph took \(NumberText.fixed(wall)) s against a critical path of \(NumberText.fixed(critical.length)) s: "
                    + "ready stages waited for slots",
                numbers: numbers,
                recommendation: "more slots (or ranks) could bring the graph close to its critical path"))
        }
        return findings
    }

    /// A critical path shorter than this, in seconds, is too short a graph to judge.
    static let shortestCriticalPath = 1.0

    /// A graph wall time within this multiple of its critical path: the path set it, and more slots cannot help.
    static let pathBoundShare = 1.15

    /// Whether `finding` says that the critical path set the graph's wall time.
    package static func saysPathBound(_ finding: Finding) -> Bool {
        guard finding.kind == "critical_path",
            let path = finding.numbers.first(where: { $0.name == "critical_path_seconds" })?.value,
            let wall = finding.numbers.first(where: { $0.name == "graph_wall_seconds" })?.value
        else { return false }
        return wall <= pathBoundShare * path
    }

    /// `saved 32.8% of the sequential time` (work ÷ wall beyond 1), or that running the
    /// stages side by side saved nothing: the tasks' summed time is the sequential time.
    static func timeSaved(work: Double, wall: Double) -> String {
        guard work > 0, wall > 0, wall < work else { return "no time saved against running its tasks one after another" }
        return "saved \(NumberText.fixed((1 - wall / work) * 100, digits: 1))% of the sequential time (its tasks one after another)"
    }

    /// The stages by state now, for the live status: `running 1 (model), succeeded 2, waiting 3`
    /// (the running stages named, at most `namedRunning`).
    package func stagesLine() -> String? {
        let order: [StageProgress.Status] = [.running, .ready, .waiting, .succeeded, .failed, .cancelled, .skipped]
        let parts = order.compactMap { status -> String? in
            let named = names(status)
            guard !named.isEmpty else { return nil }
            let shown = status == .running ? " (" + named.prefix(Self.namedRunning).joined(separator: ", ")
                + (named.count > Self.namedRunning ? ", ..." : "") + ")" : ""
            return "\(status.rawValue) \(named.count)\(shown)"
        }
        return parts.joined(separator: ", ")
    }

    /// Whether task `index` went to a slot (a stage hands its tasks out in order), or was
    /// settled without running (its stage skipped, cancelled, or stopped early).
    package func hasHandedOut(_ index: Int) -> Bool? {
        guard index >= 0, index < graph.offsets.last ?? 0 else { return nil }
        let (stage, local) = graph.locate(index)
        return local < progress[stage].handedOut || progress[stage].isSettled
    }

    /// How many running stages the live status names.
    static let namedRunning = 5

    private func names(_ status: StageProgress.Status) -> [String] {
        graph.stages.indices.filter { progress[$0].status == status }.map { graph.stages[$0].name }
    }

    /// The stages skipped because a stage upstream was cancelled (not because one failed).
    private var skippedAfterCancel: [Int] {
        graph.stages.indices.filter { progress[$0].status == .skipped && progress[$0].skippedAfterCancel }
    }

    private func offset(_ time: UInt64?) -> Double { time.map { Double($0 &- origin) * 1e-9 } ?? 0 }

    /// `critical_path_seconds`, `max_speedup`, concurrency, `stages: {name: {…}}`, failed and skipped stages.
    package func summaryFigures() -> SummaryFigures? {
        let critical = measuredCriticalPath
        let work = finishedTaskSeconds
        let wall = graphWallSeconds
        var stages: [String: StageGraphSummary.Stage] = [:]
        for (number, stage) in graph.stages.enumerated() {
            let state = progress[number]
            stages[stage.name] = StageGraphSummary.Stage(
                status: state.status.rawValue, level: graph.topology.level[number], tasks: state.taskCount,
                tasksFailed: state.failures, seconds: state.seconds ?? 0, start: offset(state.start), end: offset(state.end),
                taskSeconds: state.taskSeconds, cpuSeconds: state.cpuSeconds,
                cpuPerWall: state.taskSeconds > 0 ? state.cpuSeconds / state.taskSeconds : 0, maxRSSBytes: state.maxRSSBytes)
        }
        var summary = StageGraphSummary(
            criticalPathSeconds: critical.length, maxSpeedup: critical.length > 0 ? work / critical.length : 0,
            graphWallSeconds: wall, meanConcurrency: wall > 0 ? work / wall : 0, peakTasksInFlight: peakTasks,
            peakStagesRunning: peakStages, criticalPath: critical.stages.map { graph.stages[$0].name },
            stagesFailed: names(.failed), stagesSkipped: names(.skipped), warnings: warnings, stages: stages)
        let cancelled = graph.stages.indices.filter { progress[$0].cancelled }
        if !cancelled.isEmpty {
            summary.stagesCancelled = cancelled.map { graph.stages[$0].name }
            summary.stagesSkippedAfterCancel = skippedAfterCancel.map { graph.stages[$0].name }
            summary.tasksSkippedAfterCancel = skippedAfterCancel.reduce(0) { $0 + progress[$1].taskCount }
        }
        return .stageGraph(summary)
    }

    /// The stage tally, the critical path and the time saved, failed and skipped stages, warnings.
    package func humanSummary() -> [String] {
        let critical = measuredCriticalPath
        let work = finishedTaskSeconds
        let wall = graphWallSeconds
        var lines = [
            "stages: \(names(.succeeded).count) ok, \(names(.failed).count) failed, \(names(.skipped).count) skipped of \(graph.stages.count)",
            "critical path \(NumberText.fixed(critical.length)) s (" + critical.stages.map { graph.stages[$0].name }.joined(separator: " -> ")
                + "), max speedup \(NumberText.fixed(critical.length > 0 ? work / critical.length : 0)), graph wall \(NumberText.fixed(wall)) s, "
                + Self.timeSaved(work: work, wall: wall),
        ]
        if !names(.failed).isEmpty { lines.append("failed stages: " + names(.failed).joined(separator: ", ")) }
        if !names(.skipped).isEmpty { lines.append("skipped stages: " + names(.skipped).joined(separator: ", ")) }
        let cancelled = graph.stages.indices.filter { progress[$0].cancelled }
        if !cancelled.isEmpty {
            let skipped = skippedAfterCancel.map { graph.stages[$0].name }
            lines.append(
                "cancelled stages (mpibatch cancel --stage): " + cancelled.map { graph.stages[$0].name }.joined(separator: ", ")
                    + "; skipped after them: " + (skipped.isEmpty ? "none" : skipped.joined(separator: ", ")))
        }
        lines += warnings.map { "warning: " + $0 }
        return lines
    }
}
