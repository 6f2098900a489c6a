/// What merging a span into the one before it on its slot costs: whether it mixes
/// statuses, then the idle time between them. Merging takes the cheapest first, so bars of
/// one status merge with each other before a failure is hidden in a mixed span.
struct TimelineMergeCost: Comparable {
    /// Whether the two spans' statuses differ (or either is already mixed).
    let mixesStatuses: Bool
    /// Seconds from the end of everything before to the start of `next`; negative when they overlap.
    let gap: Double

    /// The cost of merging `next` into `previous`, everything before it on the slot ending at `end`.
    init(previous: TimelineSpan, end: Double, next: TimelineSpan) {
        let status = previous.status
        mixesStatuses = status == nil || status != next.status
        gap = next.start - end
    }

    /// Bars of one status closer than `gap`, and nothing else, are merged.
    init(sameStatusWithin gap: Double) {
        mixesStatuses = false
        self.gap = gap
    }

    /// Everything on a slot is merged.
    static let everything = TimelineMergeCost(mixesStatuses: true, gap: .infinity)

    private init(mixesStatuses: Bool, gap: Double) {
        self.mixesStatuses = mixesStatuses
        self.gap = gap
    }

    static func < (left: TimelineMergeCost, right: TimelineMergeCost) -> Bool {
        left.mixesStatuses != right.mixesStatuses ? right.mixesStatuses : left.gap < right.gap
    }
}
