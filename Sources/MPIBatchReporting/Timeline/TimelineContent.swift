import MPIBatchCore
import MPIBatchJournal

/// What the timeline draws: the spans of every slot and the params and errors of those
/// that stand for one attempt. It takes the journal as a `JournalVisitor`: no line is
/// kept once visited, only its span.
struct TimelineContent: JournalVisitor {
    /// The spans, at most `limits.maximumEvents` of them once finished.
    private(set) var spans: TimelineSpans
    /// Params and errors: of every attempt up to the cap on bars, of failures beyond it.
    private(set) var details: TimelineDetails
    /// The persistent workers' start-ups.
    private(set) var startups: TimelineStartups
    /// The caps it keeps to.
    let limits: TimelineLimits

    /// Empty content under `limits`.
    init(limits: TimelineLimits) {
        spans = TimelineSpans(budget: limits.spanBudget)
        details = TimelineDetails(lineLimit: limits.detailBytesPerAttempt, totalLimit: limits.detailBytes)
        startups = TimelineStartups(limit: limits.maximumEvents)
        self.limits = limits
    }

    /// The content of `journal`. A torn last line (a run killed while writing it) is
    /// ignored; any other bad line is an error.
    init(journal: JournalShards, limits: TimelineLimits) throws(RunFileError) {
        var content = TimelineContent(limits: limits)
        _ = try journal.read { content.visit($0) }
        content.finish()
        self = content
    }

    /// Adds one attempt's span, and its details while they are worth keeping.
    mutating func visit(_ line: JournalFileReader.Line) {
        // Beyond the cap, ok attempts will be merged: only failures' params and errors are worth keeping.
        let attempt = line.entry
        let detail =
            spans.attempts < limits.maximumEvents || attempt.status != .ok ? details.store(attempt, line: line.bytes) : -1
        spans.add(TimelineSpan(attempt, detail: detail), rank: attempt.rank, slot: attempt.slot)
        startups.add(attempt)
    }

    /// Merges neighbours until at most `limits.maximumEvents` spans are left.
    mutating func finish() { spans.limit(to: limits.maximumEvents) }
}
