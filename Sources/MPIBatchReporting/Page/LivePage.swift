import Foundation
import MPIBatchCore

/// `report.html` while the run runs: rank 0 replaces it by rename every few seconds from
/// the same figures as `status.json` (never from the journal), saying that it is live and
/// when it was written; the browser reloads it. The final page replaces it at the end.
package enum LivePage {
    /// Seconds between the browser's reloads of the page.
    static let reloadSeconds = 5

    /// The page of `status` (a running run's).
    package static func html(_ status: RunStatus) -> String {
        let written = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: status.writtenAt))
        let banner = "<p class=\"live\" id=\"live\"><strong>Live</strong>: the run is \(PageHTML.escape(status.state.rawValue))"
            + (status.stopping ? " (stopping)" : "") + "; this page was written at \(PageHTML.escape(written)) (update "
            + "\(status.sequence)) and reloads every \(reloadSeconds) s. The final report replaces it when the run ends.</p>"
        var rows: [(String, String)] = [
            ("tasks", "\(status.finished) finished of \(status.total), \(status.failed) failed, \(status.cancelled) cancelled, "
                + "\(status.runningCount) running, \(status.left) left"),
            ("elapsed", NumberText.duration(status.elapsedSeconds)),
            ("throughput", "\(NumberText.fixed(status.throughput, digits: 1)) tasks/s"),
            ("time left", status.etaSeconds.map { "~" + NumberText.duration($0) } ?? "not known yet"),
            ("rank 0", "\(status.host), pid \(status.pid)"),
        ]
        if let stages = status.stages { rows.append(("stages", stages)) }
        if let reason = status.stopReason { rows.append(("stopping", reason)) }
        var sections = [banner, PageHTML.section("Now", id: "summary", PageHTML.table(rows))]
        let running = status.running.map {
            "<tr><td>\($0.index)</td><td>\($0.rank)</td><td>\($0.slot)</td><td>\(PageHTML.escape($0.host))</td>"
                + "<td>\(NumberText.fixed($0.seconds, digits: 1)) s</td></tr>"
        }
        let more = status.runningCount - status.running.count
        sections.append(PageHTML.section(
            "Running tasks", id: "running",
            running.isEmpty
                ? "<p>None.</p>"
                : "<table><tr><th>index</th><th>rank</th><th>slot</th><th>node</th><th>running for</th></tr>"
                    + running.joined() + "</table>" + (more > 0 ? "<p>and \(more) more</p>" : "")))
        sections.append(PageHTML.section(
            "Tasks per node", id: "nodes",
            PageCharts.bars(status.nodes.map { ("\($0.host) (\($0.running) running)", Double($0.tasks)) }, unit: "tasks")))
        let findings = status.findings.map { "<li class=\"finding\">\(PageHTML.escape($0))</li>" }
        sections.append(PageHTML.section(
            "Findings so far", id: "findings",
            findings.isEmpty ? "<p class=\"none\">None so far.</p>" : "<ul>\(findings.joined())</ul>"))
        return PageHTML.page(
            title: "mpibatch run: \(status.name) (live)", sections: sections,
            head: "\n<meta http-equiv=\"refresh\" content=\"\(reloadSeconds)\">")
    }
}
