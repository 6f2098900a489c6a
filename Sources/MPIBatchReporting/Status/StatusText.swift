import Foundation
import MPIBatchCore

/// `mpibatch status DIR` for a person: a few lines, the same figures as `status.json`.
public enum StatusText {
    /// How many running tasks the text names.
    static let runningNamed = 8

    /// The lines of `status` for the run in `directory`.
    public static func render(_ status: RunStatus, directory: String) -> String {
        var lines = ["\(directory): \(headline(status))"]
        var tasks = "tasks: \(status.finished)/\(status.total) finished"
        if status.failed > 0 { tasks += ", \(status.failed) failed" }
        if status.cancelled > 0 { tasks += ", \(status.cancelled) cancelled" }
        tasks += ", \(status.runningCount) running, \(status.left) left"
        lines.append(tasks)
        var pace = "throughput: \(NumberText.fixed(status.throughput, digits: 1)) tasks/s"
        if let eta = status.etaSeconds, status.state == .running { pace += ", ~\(NumberText.duration(eta)) left" }
        lines.append(pace)
        if !status.running.isEmpty {
            let named = status.running.prefix(runningNamed).map {
                "\($0.index) (rank \($0.rank) slot \($0.slot) on \($0.host), \(NumberText.fixed($0.seconds, digits: 1)) s)"
            }
            let more = status.runningCount - named.count
            lines.append("running: " + named.joined(separator: ", ") + (more > 0 ? ", and \(more) more" : ""))
        }
        for node in status.nodes {
            lines.append(
                "node \(node.host): ranks \(node.ranks.map(String.init).joined(separator: ",")), \(node.slots) slots, "
                    + "\(node.tasks) tasks, \(NumberText.fixed(node.busySeconds, digits: 1)) s busy, \(node.running) running")
        }
        if let stages = status.stages { lines.append("stages: \(stages)") }
        if let reason = status.stopReason { lines.append("stopped: \(reason)") }
        lines += status.findings.map { "finding: \($0)" }
        if status.ignoredControlLines > 0 {
            lines.append("control: \(status.ignoredControlLines) line(s) of control.jsonl ignored (not requests)")
        }
        return lines.map(TerminalText.visible).joined(separator: "\n") + "\n"
    }

    /// `running (rank 0 on n1, pid 4242), 2:05 elapsed`, `lost: rank 0 (n1, pid 4242) stopped writing its status`, ...
    static func headline(_ status: RunStatus) -> String {
        let writer = "rank 0 on \(status.host), pid \(status.pid)"
        switch status.state {
        case .running:
            return "running (\(writer)), \(NumberText.duration(status.elapsedSeconds)) elapsed" + (status.stopping ? ", stopping" : "")
        case .lost:
            return "lost: \(writer) stopped writing its status (killed, or its node is gone); "
                + "`mpibatch run ... --resume` runs what is missing"
        case .finished, .failed, .interrupted:
            return "\(status.state.rawValue), exit status \(status.exitStatus.map(String.init) ?? "?"), "
                + "\(NumberText.duration(status.elapsedSeconds)) for its last part"
        }
    }
}
