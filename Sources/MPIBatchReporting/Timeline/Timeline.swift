import MPIBatchCore
import MPIBatchJournal

/// The timeline reports of a finished run: `timeline.json` (Chrome trace event format, for
/// Perfetto or chrome://tracing) and `timeline.svg` (a Gantt chart), made from its
/// journal and `summary.json`.
public enum Timeline {
    /// Reads the journal in `directory` and `directory/summary.json` and writes
    /// `directory/timeline.json` and `directory/timeline.svg`, each atomically. A run of
    /// more than `limits.maximumEvents` attempts is drawn with close neighbours of a slot
    /// merged into busy spans, which both files say.
    public static func write(directory: String, limits: TimelineLimits = .standard) throws(RunFileError) {
        let summary = try RunReport.load(directory: directory)
        let content = try TimelineContent(journal: JournalShards(directory: directory), limits: limits)
        let drawing = TimelineDrawing(summary: summary, content: content, limits: limits)
        try drawing.writeTrace(directory: directory)
        _ = try drawing.writeChart(directory: directory)
    }
}
