import MPIBatchCore

/// The timeline reports of a finished run: `timeline.json` (Chrome trace event format, for
/// Perfetto or chrome://tracing) and `timeline.svg` (a Gantt chart), made from its
/// `results.jsonl` and `summary.json`.
public enum Timeline {
    /// Reads `directory/results.jsonl` and `directory/summary.json` and writes
    /// `directory/timeline.json` and `directory/timeline.svg`, each atomically. A run of
    /// more than `limits.maximumEvents` attempts is drawn with close neighbours of a slot
    /// merged into busy spans, which both files say.
    public static func write(directory: String, limits: TimelineLimits = .standard) throws(RunFileError) {
        let summary = try RunReport.load(directory: directory)
        let content = try TimelineContent(journal: directory + "/results.jsonl", limits: limits)
        try write(directory: directory, summary: summary, content: content, limits: limits)
    }

    /// Writes the timeline of `summary`'s run from `content`, read from its journal under `limits`.
    static func write(directory: String, summary: RunSummary, content: TimelineContent, limits: TimelineLimits) throws(RunFileError) {
        let rows = TimelineRow.rows(of: content.spans, startups: content.startups, summary: summary)
        let caption = TimelineCaption(
            rows: rows, spans: content.spans, startups: content.startups, summary: summary, limits: limits)
        try replace(
            directory + "/timeline.json",
            with: TimelineTrace.json(rows: rows, details: content.details, caption: caption, summary: summary))
        try replace(
            directory + "/timeline.svg",
            with: TimelineSVG.svg(rows: rows, details: content.details, caption: caption, wallSeconds: summary.wallSeconds))
    }

    private static func replace(_ path: String, with bytes: [UInt8]) throws(RunFileError) {
        do {
            try OutputFile.replace(path, with: bytes)
        } catch {
            throw RunFileError(writing: error)
        }
    }
}
