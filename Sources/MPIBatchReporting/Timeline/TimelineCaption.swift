import MPIBatchCore

/// The words both timeline files carry: the job and its statistics, how many attempts of
/// each status there were, and, when bars were merged, how.
struct TimelineCaption {
    /// `spin: wall 2.07 s · speedup 1.98 · efficiency 98.9%`.
    let title: String
    /// `4,000 attempts on 2 ranks, 4 slots: 3,990 ok, 10 failed`.
    let attempts: String
    /// Why there are fewer bars than attempts, or `nil` when there is one bar per attempt.
    let merging: String?
    /// Whether some bars merge attempts of different statuses.
    let mixesStatuses: Bool
    /// Attempts per status, by `TaskStatus.rawValue`.
    let counts: SIMD8<UInt32>
    /// The bars drawn.
    let bars: Int
    /// `worker start-up (2, 3.1 s)`, or nil when no persistent worker started.
    let startups: String?

    /// The caption of `rows`, read with `limits`, for the run `summary` describes.
    init(
        rows: [TimelineRow], spans: TimelineSpans, startups: TimelineStartups, summary: RunSummary,
        limits: TimelineLimits
    ) {
        var counts = SIMD8<UInt32>.zero
        var bars = 0
        for row in rows {
            bars += row.spans.count
            for span in row.spans { counts &+= span.counts }
        }
        self.counts = counts
        self.bars = bars
        title = "\(summary.name): wall \(NumberText.duration(summary.wallSeconds))"
            + " · speedup \(NumberText.trimmed(summary.speedup, digits: 2))"
            + " · efficiency \(NumberText.trimmed(summary.efficiency * 100, digits: 1))%"
        let ranks = Set(rows.map(\.id.rank)).count
        let statuses = TimelineCaption.statuses.filter { counts[Int($0.rawValue)] > 0 }
            .map { "\(NumberText.grouped(Int(counts[Int($0.rawValue)]))) \($0)" }
        attempts = "\(NumberText.grouped(spans.attempts)) attempts on \(ranks) rank\(ranks == 1 ? "" : "s"),"
            + " \(rows.count) slot\(rows.count == 1 ? "" : "s")"
            + (statuses.isEmpty ? "" : ": " + statuses.joined(separator: ", "))
        mixesStatuses = spans.mergeCost?.mixesStatuses == true
        self.startups =
            startups.count == 0
            ? nil
            : "worker start-up (\(NumberText.grouped(startups.count)), \(NumberText.duration(startups.seconds))"
                + (startups.kept < startups.count ? ", \(NumberText.grouped(startups.kept)) drawn)" : ")")
        if let cost = spans.mergeCost {
            let within = cost.gap.isFinite ? " at most \(NumberText.duration(max(0, cost.gap))) apart" : ""
            let which = cost.mixesStatuses
                ? "all tasks of one slot with the same status, and tasks of different statuses\(within),"
                : "tasks of one slot with the same status\(within)"
            merging = "more than \(NumberText.grouped(limits.maximumEvents)) attempts: \(which)"
                + " are merged into busy spans (\(NumberText.grouped(bars)) bars)"
        } else {
            merging = nil
        }
    }

    /// Every status, in the order the legend lists them.
    static let statuses = TaskStatus.allCases
}
