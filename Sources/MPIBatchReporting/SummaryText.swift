import MPIBatchCore
import MPIBatchPlan

extension RunSummary {
    /// The short human summary printed on stderr at the end of a run, for the run in
    /// `directory` (named in the pointer to the failed tasks' logs, when given). Failures are
    /// grouped and capped, so its length does not grow with what tasks print; control
    /// characters from tasks are shown, not obeyed (`TerminalText`).
    public func humanText(directory: String? = nil) -> String {
        var lines: [String] = []
        let unit = workUnit
        let notRun = max(0, tasksTotal - tasksSucceeded - tasksFailed - tasksCancelled)
        lines.append(
            "\(name): \(tasksSucceeded)/\(tasksTotal) \(unit)s ok, \(tasksFailed) failed"
                + (tasksCancelled > 0 ? ", \(tasksCancelled) cancelled" : "") + (notRun > 0 ? ", \(notRun) not run" : "") + (attempts > tasksSucceeded + tasksFailed ? " (\(attempts) attempts)" : "")
                + (stageGraph.map { $0.stagesFailed.isEmpty ? "" : "; failed stages: " + $0.stagesFailed.joined(separator: ", ") } ?? "")
                + (stageGraph?.stagesCancelled.map { "; cancelled stages: " + $0.joined(separator: ", ") } ?? ""))
        lines.append(
            "wall \(NumberText.fixed(wallSeconds)) s, \(unit) time \(NumberText.fixed(taskSeconds)) \(coreWeighted ? "core-s" : "s") on \(slotsPerRank.count) rank(s) × "
                + "\(slotsPerRank.map(String.init).joined(separator: "+")) slot(s)")
        lines.append(
            "speedup \(NumberText.fixed(speedup)), efficiency \(NumberText.fixed(efficiency * 100, digits: 1))%, "
                + "imbalance \(NumberText.fixed(imbalance * 100, digits: 1))%, \(NumberText.fixed(throughput, digits: 0)) \(unit)s/s")
        if parts.count > 1 {
            lines.append(
                "in \(parts.count) parts (resumed"
                    + (tasksRerunChanged > 0 ? "; \(tasksRerunChanged) tasks rerun: the job changed their parameters" : "") + "): "
                    + parts.map { "\(NumberText.fixed($0.wallSeconds)) s, \($0.attempts) attempts" }.joined(separator: "; "))
        }
        let nodes = nodes
        if nodes.count > 1 {
            for node in nodes {
                lines.append(
                    "  node \(node.host): \(node.ranks.count) rank(s), \(node.slots) slot(s), \(node.tasks) \(unit)s, "
                        + "busy \(NumberText.fixed(node.busySeconds)) s")
            }
        }
        lines.append(contentsOf: extraLines)
        lines.append(contentsOf: failureLines(unit: unit, directory: directory))
        for lost in unresponsiveRanks {
            lines.append("rank \(lost.rank) on \(lost.host) stopped answering: its unfinished \(unit)s were not run (--resume reruns them)")
        }
        if let stopReason { lines.append("stopped early: \(stopReason)") }
        if let journalFailure { lines.append("journal failed: \(journalFailure)") }
        for finding in findings { lines.append("finding (\(finding.kind)): \(finding.message); \(finding.recommendation)") }
        return TerminalText.visible(lines.joined(separator: "\n") + "\n")
    }

    /// One line per group of alike failures (the largest groups), a count of the rest, and
    /// where each failed task's whole stderr is.
    private func failureLines(unit: String, directory: String?) -> [String] {
        guard !failures.isEmpty else { return [] }
        let groups = FailureGroup.groups(failures)
        let shown = groups.prefix(FailureGroup.shownGroups)
        var lines = shown.map { "  " + $0.line(unit: unit) }
        let unlisted = max(0, tasksFailed - shown.reduce(0) { $0 + $1.indices.count })
        if unlisted > 0 { lines.append("  … and \(unlisted) more failed \(unit)\(unlisted == 1 ? "" : "s")") }
        lines.append("  each failed \(unit)'s stderr: mpibatch logs \(directory.map(ShellQuoting.quoteIfNeeded) ?? "DIR") --failed")
        return lines
    }
}
