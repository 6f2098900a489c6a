import MPIBatchCore
import MPIBatchJournal

/// Takes a finished run's journal line by line, in a pass shared with the other reports.
protocol JournalVisitor {
    /// One complete line, in file order; its bytes are valid only during the call.
    mutating func visit(_ line: JournalFileReader.Line)
}

/// What the end of a run reads from its journal, in one streaming pass fanned out to every
/// report: the task times behind the findings, the timeline's spans and details, and the
/// report page's charts. (Each used to read the whole journal itself: four passes at the
/// end of every run, which on a 10⁸-line journal is minutes each.)
package struct RunReportPass {
    /// Task times of the run's last part, for the findings; nil unless asked for.
    package private(set) var taskTimes: TaskTimeAnalysis?
    /// The timeline's spans and details.
    private(set) var timeline: TimelineContent
    /// The report page's histograms, busy slots and running estimate.
    private(set) var page: PageData

    /// Reads `directory/results.jsonl` once for the reports of `summary`'s run; with
    /// `findings`, also for its task-time findings.
    package init(directory: String, summary: RunSummary, findings: Bool, limits: TimelineLimits = .standard) throws(RunFileError) {
        let start = summary.parts.last?.startOffset ?? 0
        var taskTimes = findings ? TaskTimeAnalysis(startOffset: start) : nil
        var timeline = TimelineContent(limits: limits)
        var page = PageData(span: start...(start + max(summary.partWallSeconds, 1e-6)))
        _ = try JournalFileReader.read(path: directory + "/results.jsonl") { line in
            taskTimes?.visit(line)
            timeline.visit(line)
            page.visit(line)
        }
        taskTimes?.finish()
        timeline.finish()
        self.taskTimes = taskTimes
        self.timeline = timeline
        self.page = page
    }
}

/// The reports `mpibatch report DIR` redraws from a finished run's files.
public enum RunReports {
    /// Writes `timeline.json`, `timeline.svg` and `report.html` into `directory` from its
    /// `summary.json` and one pass over its journal; returns the report page's path.
    public static func write(directory: String) throws(RunFileError) -> String {
        let summary = try RunReport.load(directory: directory)
        return try write(directory: directory, summary: summary, pass: RunReportPass(directory: directory, summary: summary, findings: false))
    }

    /// Writes the timeline and report page of `summary`'s run from `pass`; returns the page's path.
    package static func write(directory: String, summary: RunSummary, pass: RunReportPass) throws(RunFileError) -> String {
        try Timeline.write(directory: directory, summary: summary, content: pass.timeline, limits: pass.timeline.limits)
        return try ReportPage.write(directory: directory, summary: summary, data: pass.page)
    }
}
