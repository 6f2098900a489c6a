import MPIBatchCore

/// A run's timeline laid out once (its rows, the attempts' details, the caption) and written
/// as its two files, each atomically: `timeline.json` and `timeline.svg`.
struct TimelineDrawing {
    private let rows: [TimelineRow]
    private let details: TimelineDetails
    private let caption: TimelineCaption
    private let summary: RunSummary

    /// The layout of `summary`'s run from `content`, read from its journal under `limits`.
    init(summary: RunSummary, content: TimelineContent, limits: TimelineLimits) {
        rows = TimelineRow.rows(of: content.spans, startups: content.startups, summary: summary)
        caption = TimelineCaption(rows: rows, spans: content.spans, startups: content.startups, summary: summary, limits: limits)
        details = content.details
        self.summary = summary
    }

    /// Writes `directory/timeline.json` (Chrome trace event format).
    func writeTrace(directory: String) throws(RunFileError) {
        try Self.replace(
            directory + "/timeline.json", with: TimelineTrace.json(rows: rows, details: details, caption: caption, summary: summary))
    }

    /// Writes `directory/timeline.svg` (the Gantt chart) and returns its bytes, for the report page.
    func writeChart(directory: String) throws(RunFileError) -> [UInt8] {
        let svg = TimelineSVG.svg(rows: rows, details: details, caption: caption, wallSeconds: summary.wallSeconds)
        try Self.replace(directory + "/timeline.svg", with: svg)
        return svg
    }

    private static func replace(_ path: String, with bytes: [UInt8]) throws(RunFileError) {
        do {
            try OutputFile.replace(path, with: bytes)
        } catch {
            throw RunFileError(writing: error)
        }
    }
}
