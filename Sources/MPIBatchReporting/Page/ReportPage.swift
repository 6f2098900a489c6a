import Foundation
import MPIBatchCore

/// `report.html` in a run directory: the summary, the findings, the Gantt chart (the
/// timeline's SVG, scrollable), busy slots over time, the task-duration histogram, per-rank
/// and per-node busy time, and for a Monte Carlo run the running estimate with its 95%
/// interval. Written at the end of every run and by `mpibatch report DIR`, after the timeline.
public enum ReportPage {
    /// Writes `directory/report.html` from `summary`, `data` (read from the run's journal) and
    /// the timeline's SVG (`timelineSVG`, nil when it could not be drawn); returns its path.
    static func write(directory: String, summary: RunSummary, data: PageData, timelineSVG: [UInt8]?) throws(RunFileError) -> String {
        let parts =
            [summarySection(summary), findingsSection(summary)].map { Array($0.utf8) } + [ganttSection(timelineSVG)]
            + chartSections(summary: summary, data: data).map { Array($0.utf8) }
        let path = directory + "/report.html"
        do {
            try OutputFile.replace(path, with: PageHTML.page(title: "mpibatch run: \(summary.name)", sections: parts))
        } catch {
            throw RunFileError(writing: error)
        }
        return path
    }

    /// The sections after the Gantt chart: busy slots over time, task durations, busy time per
    /// rank and per node, and a Monte Carlo run's running estimate.
    private static func chartSections(summary: RunSummary, data: PageData) -> [String] {
        var sections: [String] = []
        let busy = data.busy.curve(wallSeconds: summary.partWallSeconds, points: PageData.timeBins)
        sections.append(PageHTML.section(
            "Busy slots over time", id: "busy",
            PageCharts.line(
                xs: busy.times, ys: busy.busy, xLabel: "s", yLabel: "busy slots", reference: Double(summary.totalSlots))))
        sections.append(PageHTML.section(
            "Task durations", id: "durations",
            PageCharts.histogram(
                counts: data.durationCounts, label: { "\(NumberText.fixed(PageData.durationEdge($0), digits: 6)) s" },
                caption: "tasks per duration (log scale)")))
        sections.append(PageHTML.section(
            "Busy time per rank", id: "ranks",
            PageCharts.bars(summary.ranks.map { ("rank \($0.rank) (\($0.host))", $0.busySeconds) }, unit: "s")))
        sections.append(PageHTML.section(
            "Busy time per node", id: "nodes",
            PageCharts.bars(summary.nodes.map { ($0.host, $0.busySeconds) }, unit: "s")))
        let running = data.estimate.points()
        if !running.isEmpty {
            sections.append(PageHTML.section(
                "Monte Carlo running estimate", id: "montecarlo",
                PageCharts.line(
                    xs: running.map(\.paths), ys: running.map(\.mean), band: running.map { ($0.low, $0.high) },
                    xLabel: "paths", yLabel: "estimate with its 95% interval")))
        }
        return sections
    }

    private static func summarySection(_ summary: RunSummary) -> String {
        let notRun = max(0, summary.tasksTotal - summary.tasksSucceeded - summary.tasksFailed)
        let unit = summary.workUnit
        var rows: [(String, String)] = [
            ("\(unit)s", "\(summary.tasksSucceeded) ok, \(summary.tasksFailed) failed, \(notRun) not run, of \(summary.tasksTotal)"),
            ("attempts", String(summary.attempts)),
            ("ranks × slots", "\(summary.slotsPerRank.count) × \(summary.slotsPerRank.map(String.init).joined(separator: "+"))"),
            ("wall", "\(NumberText.fixed(summary.wallSeconds)) s"), ("\(unit) time", "\(NumberText.fixed(summary.taskSeconds)) s"),
            ("speedup", NumberText.fixed(summary.speedup)), ("efficiency", "\(NumberText.fixed(summary.efficiency * 100, digits: 1))%"),
            ("imbalance", "\(NumberText.fixed(summary.imbalance * 100, digits: 1))%"),
            ("throughput", "\(NumberText.fixed(summary.throughput, digits: 1)) \(unit)s/s"),
            ("slot time between \(unit)s", "\(NumberText.fixed(summary.overheadSecondsPerTask * 1e6, digits: 2)) µs per attempt "
                + "(slot time not spent in a \(unit): dispatch, start-up, idle slots)"),
        ]
        if summary.parts.count > 1 { rows.append(("parts (resumed)", String(summary.parts.count))) }
        if let stopReason = summary.stopReason { rows.append(("stopped early", stopReason)) }
        if let failure = summary.journalFailure { rows.append(("journal failed", failure)) }
        let notes = summary.extraLines.map { "<li>\(PageHTML.escape($0))</li>" }.joined()
        return PageHTML.section("Summary", id: "summary", PageHTML.table(rows) + (notes.isEmpty ? "" : "<ul>\(notes)</ul>"))
    }

    private static func findingsSection(_ summary: RunSummary) -> String {
        guard !summary.findings.isEmpty else {
            return PageHTML.section("Findings", id: "findings", "<p class=\"none\">None: a balanced run.</p>")
        }
        let items = summary.findings.map { finding in
            "<li class=\"finding\"><span class=\"kind\">\(PageHTML.escape(finding.kind))</span>: "
                + "\(PageHTML.escape(finding.message)). <em>\(PageHTML.escape(finding.recommendation))</em></li>"
        }
        return PageHTML.section("Findings", id: "findings", "<ul>\(items.joined())</ul>")
    }

    /// The timeline's Gantt chart, inline (one row per rank and slot), in a scrolling box: the
    /// SVG's bytes as drawn, after its XML declaration.
    private static func ganttSection(_ svg: [UInt8]?) -> [UInt8] {
        guard let svg else {
            return Array(PageHTML.section("Timeline", id: "gantt", "<p>No timeline.svg (the timeline could not be drawn).</p>").utf8)
        }
        var chart = svg[...]
        if chart.starts(with: "<?xml".utf8),
            let question = chart.indices.dropLast().first(where: { chart[$0] == UInt8(ascii: "?") && chart[$0 + 1] == UInt8(ascii: ">") })
        {
            chart = chart[(question + 2)...]
        }
        var section = Array((PageHTML.sectionOpening("Timeline", id: "gantt") + "<div class=\"gantt\">").utf8)
        section.reserveCapacity(chart.count + 64)
        section.append(contentsOf: chart)
        section.append(contentsOf: ("</div>" + PageHTML.sectionClosing).utf8)
        return section
    }
}
