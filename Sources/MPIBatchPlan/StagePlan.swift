import MPIBatchCore
import MPIBatchJob

/// What `mpibatch plan` shows for a `stages:` job: the stages by topological
/// level, the critical path, the total work and the best possible speedup
/// (total work ÷ critical path, with unlimited slots).
///
/// Figures are seconds when every stage declares `estimate:` (the seconds of
/// one of its tasks); otherwise undeclared stages weigh the mean of the
/// declared ones, or 1 unit each when none is declared.
enum StagePlan {
    /// `ok: N stages, M tasks`.
    static func okLine(_ graph: StageGraph) -> String { "ok: \(graph.stages.count) stages, \(graph.taskCount) tasks" }

    /// The plan's lines for `graph`, in a job seeded `jobSeed`.
    static func lines(_ graph: StageGraph, jobSeed: UInt64) -> [String] {
        let topology = graph.topology
        let levels = topology.levels
        let unit = graph.isFullyEstimated ? " s" : " units"
        var lines = ["stages: \(graph.stages.count) (\(graph.taskCount) tasks) in \(levels.count) levels"]
        for (level, stages) in levels.enumerated() {
            lines.append("  level \(level): " + stages.map { graph.stages[$0].name }.joined(separator: ", "))
            for number in stages {
                let stage = graph.stages[number]
                var notes = [Self.tasks(of: stage)]
                if !topology.dependencies[number].isEmpty {
                    notes.append("after " + topology.dependencies[number].map { graph.stages[$0].name }.joined(separator: ", "))
                }
                if let estimate = stage.estimate { notes.append("estimate \(NumberText.fixed(estimate)) s") }
                if let warnAfter = stage.warnAfter { notes.append("warn after \(NumberText.fixed(warnAfter)) s") }
                if stage.exclusive { notes.append("exclusive") }
                if case .tasks(let sweep, _) = stage.body, sweep.task.cores.largest > 1 {
                    notes.append("cores up to \(sweep.task.cores.largest)")
                }
                let first = TaskDescription.of(stage: number, of: graph, at: 0, jobSeed: jobSeed)
                lines.append("    \(stage.name): " + notes.joined(separator: ", ") + (stage.taskCount > 0 ? " — " + first : ""))
            }
        }
        let figures = graph.plannedFigures
        lines.append(
            "critical path: " + StagePath.text(figures.stages.map { graph.stages[$0].name })
                + (figures.stages.count > 2 * StagePath.shownEnds + 1 ? " (\(figures.stages.count) stages)" : "")
                + " = \(NumberText.fixed(figures.criticalPath))\(unit)")
        lines.append("total work: \(NumberText.fixed(figures.totalWork))\(unit)")
        lines.append(
            "best possible speedup: \(NumberText.fixed(figures.criticalPath > 0 ? figures.totalWork / figures.criticalPath : 0)) "
                + "(total work ÷ critical path)")
        return lines
    }

    /// `1 task`, `12 tasks`, or for a Monte Carlo stage `245 blocks of 4096 paths (1,000,000 paths, kernel pi)`.
    private static func tasks(of stage: StageGraph.Stage) -> String {
        switch stage.body {
        case .monteCarlo(let spec):
            return "\(NumberText.grouped(spec.blockCount)) blocks of \(NumberText.grouped(spec.block)) paths "
                + "(\(NumberText.grouped(spec.paths)) paths, kernel \(spec.kernel))"
        case .tasks(let sweep, _):
            if let table = sweep.runTimeTable {
                return "size known at run time (at most \(NumberText.grouped(table.maxTasks)) tasks, table: \"\(table.source)\")"
            }
            return stage.taskCount == 1 ? "1 task" : "\(stage.taskCount) tasks"
        }
    }
}
