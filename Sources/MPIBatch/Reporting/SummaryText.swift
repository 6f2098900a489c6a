extension RunSummary {
    /// The short human summary printed on stderr at the end of a run.
    public func humanText() -> String {
        var lines: [String] = []
        let notRun = max(0, tasksTotal - tasksSucceeded - tasksFailed - tasksCancelled)
        lines.append(
            "\(name): \(tasksSucceeded)/\(tasksTotal) tasks ok, \(tasksFailed) failed"
                + (tasksCancelled > 0 ? ", \(tasksCancelled) cancelled" : "") + (notRun > 0 ? ", \(notRun) not run" : "") + (attempts > tasksSucceeded + tasksFailed ? " (\(attempts) attempts)" : ""))
        lines.append(
            "wall \(NumberText.fixed(wallSeconds)) s, task time \(NumberText.fixed(taskSeconds)) \(coreWeighted ? "core-s" : "s") on \(slotsPerRank.count) rank(s) × "
                + "\(slotsPerRank.map(String.init).joined(separator: "+")) slot(s)")
        lines.append(
            "speedup \(NumberText.fixed(speedup)), efficiency \(NumberText.fixed(efficiency * 100, digits: 1))%, "
                + "imbalance \(NumberText.fixed(imbalance * 100, digits: 1))%, \(NumberText.fixed(throughput, digits: 0)) tasks/s, "
                + "overhead \(NumberText.fixed(overheadSecondsPerTask * 1e6, digits: 2)) µs/task")
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
                    "  node \(node.host): \(node.ranks.count) rank(s), \(node.slots) slot(s), \(node.tasks) tasks, "
                        + "busy \(NumberText.fixed(node.busySeconds)) s")
            }
        }
        lines.append(contentsOf: extraLines)
        for failure in failures.prefix(10) {
            lines.append("  task \(failure.index) \(failure.status) on rank \(failure.rank) (attempt \(failure.attempt)): \(failure.error)")
        }
        if failures.count > 10 { lines.append("  … \(tasksFailed - 10) more failures in results.jsonl") }
        for lost in unresponsiveRanks {
            lines.append("rank \(lost.rank) on \(lost.host) stopped answering: its unfinished tasks were not run (--resume reruns them)")
        }
        if let stopReason { lines.append("stopped early: \(stopReason)") }
        if let journalFailure { lines.append("journal failed: \(journalFailure)") }
        for finding in findings { lines.append("finding (\(finding.kind)): \(finding.message); \(finding.recommendation)") }
        return lines.joined(separator: "\n") + "\n"
    }
}
