import MPIBatchCore
import MPIBatchJournal
import Synchronization

/// Takes a finished run's journal line by line, in a pass shared with the other reports.
protocol JournalVisitor {
    /// One complete line, in its file's order (files one after another); its bytes are valid only during the call.
    mutating func visit(_ line: JournalFileReader.Line)
}

/// What the end of a run needs from its journal, in one streaming pass fanned out to every
/// report: the task times behind the findings, the timeline's spans and details, and the
/// report page's charts. A fresh run gathers it while it goes (`RunReportFeed`, shown each
/// line as the journal writes it); `mpibatch report` and a resumed run, whose earlier parts
/// the timeline also draws, read it back from the journal's files.
package struct RunReportPass: JournalVisitor {
    /// Task times of the run's last part, for the findings; nil unless asked for.
    package private(set) var taskTimes: TaskTimeAnalysis?
    /// Tasks' peak memory of the run's last part, for the memory finding; nil unless findings are asked for.
    package private(set) var memoryPeaks: MemoryPeaks?
    /// The timeline's spans and details.
    private(set) var timeline: TimelineContent
    /// The report page's histograms, busy slots and running estimate.
    private(set) var page: PageData

    /// An empty pass for the reports of a run whose last part starts at `partStart` on its
    /// time axis; with `findings`, also for its task-time findings.
    package init(partStart: Double, findings: Bool, limits: TimelineLimits = .standard) {
        taskTimes = findings ? TaskTimeAnalysis(startOffset: partStart) : nil
        memoryPeaks = findings ? MemoryPeaks(startOffset: partStart) : nil
        timeline = TimelineContent(limits: limits)
        page = PageData(origin: partStart)
    }

    /// Reads the journal in `directory` once (its files one after another) for the reports of
    /// `summary`'s run; with `findings`, also for its task-time findings.
    package init(directory: String, summary: RunSummary, findings: Bool, limits: TimelineLimits = .standard) throws(RunFileError) {
        var pass = RunReportPass(partStart: summary.parts.last?.startOffset ?? 0, findings: findings, limits: limits)
        _ = try JournalShards(directory: directory).read { pass.visit($0) }
        pass.finish()
        self = pass
    }

    /// Takes one line, in journal order.
    package mutating func visit(_ line: JournalFileReader.Line) {
        taskTimes?.visit(line)
        memoryPeaks?.visit(line)
        timeline.visit(line)
        page.visit(line)
    }

    /// Ends the pass once every line was visited.
    package mutating func finish() {
        taskTimes?.finish()
        timeline.finish()
    }
}

/// A `RunReportPass` fed by the journal as it writes (on the journal's thread), so that the end
/// of a run does not read its journal back.
package final class RunReportFeed: JournalObserver {
    private let pass: Mutex<RunReportPass>

    /// A feed for a fresh run's reports (its one part starts at 0), findings included.
    package init(limits: TimelineLimits = .standard) {
        pass = Mutex(RunReportPass(partStart: 0, findings: true, limits: limits))
    }

    package func observe(_ lines: [JournalFileReader.Line]) {
        pass.withLock { pass in
            for line in lines { pass.visit(line) }
        }
    }

    /// The pass, finished: call it once the journal is closed (no more lines come).
    package func finished() -> RunReportPass {
        pass.withLock { pass in
            pass.finish()
            return pass
        }
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
    /// The trace (on a thread of its own) and, beside it, the Gantt chart with the page around it
    /// are drawn at once: the end of a run waits for the slower of the two, not for their sum (at
    /// 2·10⁶ tasks each file is 7-8 MB). A chart that cannot be written leaves the page without it;
    /// the first failure (trace, chart, page) is thrown once all are done.
    package static func write(directory: String, summary: RunSummary, pass: RunReportPass) throws(RunFileError) -> String {
        let drawing = TimelineDrawing(summary: summary, content: pass.timeline, limits: pass.timeline.limits)
        let trace = Mutex<Result<Void, RunFileError>>(.success(()))
        let tracing = BackgroundLoop(name: "mpibatch-trace") { _ in
            let written = Result { () throws(RunFileError) in try drawing.writeTrace(directory: directory) }
            trace.withLock { $0 = written }
        }
        let chart = Result { () throws(RunFileError) in try drawing.writeChart(directory: directory) }
        let page = Result { () throws(RunFileError) in
            try ReportPage.write(directory: directory, summary: summary, data: pass.page, timelineSVG: try? chart.get())
        }
        tracing.stopAndJoin()
        try trace.withLock { $0 }.get()
        _ = try chart.get()
        return try page.get()
    }
}
