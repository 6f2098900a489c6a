/// How much the timeline keeps and draws, so that its files stay small and its making fast
/// for runs of millions of attempts.
public struct TimelineLimits: Sendable {
    /// The most bars (trace events) drawn; beyond it, close neighbours of a slot are merged.
    public var maximumEvents: Int
    /// The most spans held while reading, bounding memory; beyond it merging starts early.
    public var spanBudget: Int
    /// The most bytes of params and error kept for one attempt.
    public var detailBytesPerAttempt: Int
    /// The most bytes of params and error kept in all.
    public var detailBytes: Int

    /// 50,000 bars, 131,072 spans in memory (8 MB; a million spans was 64 MB, and twice that
    /// while merging), 4 KB of params and error per attempt, 8 MB in all.
    public static let standard = TimelineLimits(
        maximumEvents: 50_000, spanBudget: 1 << 17, detailBytesPerAttempt: 4096, detailBytes: 8 << 20)

    /// Limits of your own (tests use small ones).
    public init(maximumEvents: Int, spanBudget: Int, detailBytesPerAttempt: Int, detailBytes: Int) {
        self.maximumEvents = maximumEvents
        self.spanBudget = spanBudget
        self.detailBytesPerAttempt = detailBytesPerAttempt
        self.detailBytes = detailBytes
    }
}
