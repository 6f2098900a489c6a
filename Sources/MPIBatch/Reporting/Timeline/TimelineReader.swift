/// What the timeline draws: the spans of every slot and the params and errors of those
/// that stand for one attempt.
struct TimelineContent {
    /// The spans, at most `limits.maximumEvents` of them.
    var spans: TimelineSpans
    /// Params and errors: of every attempt up to the cap on bars, of failures beyond it.
    var details: TimelineDetails
}

/// Streams `results.jsonl` into `TimelineContent`: no line is kept once read, only its span.
enum TimelineReader {
    /// Reads the journal at `path`. A torn last line (a run killed while writing it) is
    /// ignored; any other bad line is an error.
    static func read(path: String, limits: TimelineLimits) throws(RunFileError) -> TimelineContent {
        var content = TimelineContent(
            spans: TimelineSpans(budget: limits.spanBudget),
            details: TimelineDetails(lineLimit: limits.detailBytesPerAttempt, totalLimit: limits.detailBytes))
        _ = try JournalFileReader.read(path: path) { line in
            // Beyond the cap, ok attempts will be merged: only failures' params and errors are worth keeping.
            let attempt = line.entry
            let detail =
                content.spans.attempts < limits.maximumEvents || attempt.status != .ok
                ? content.details.store(attempt, line: line.bytes) : -1
            content.spans.add(TimelineSpan(attempt, detail: detail), rank: attempt.rank, slot: attempt.slot)
        }
        content.spans.limit(to: limits.maximumEvents)
        return content
    }
}
