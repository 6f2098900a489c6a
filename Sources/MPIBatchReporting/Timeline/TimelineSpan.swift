import MPIBatchCore
import MPIBatchJournal

/// One bar of the timeline: a task attempt, or — in a huge run — several attempts of one
/// slot that ran so close together that they are drawn as one "busy" span.
struct TimelineSpan {
    /// When the first attempt started, in seconds since the run began on its rank.
    var start: Double
    /// When the last attempt ended.
    var end: Double
    /// The index of the first task.
    var index: Int
    /// The first task's attempt number.
    var attempt: Int32
    /// The first task's params and error in `TimelineDetails`, or -1.
    var detail: Int32
    /// How many attempts ended `ok`, `failed`, `timeout`, `interrupted` and `cancelled`, by `TaskStatus.rawValue`.
    var counts: SIMD8<UInt32>

    /// The span of one attempt.
    init(_ attempt: JournalEntry, detail: Int32) {
        start = attempt.start
        end = attempt.start + attempt.seconds
        index = attempt.index
        self.attempt = Int32(clamping: attempt.attempt)
        self.detail = detail
        counts = .zero
        counts[Int(attempt.status.rawValue)] = 1
    }

    /// How many attempts the span stands for.
    var count: Int { Int(counts.wrappedSum()) }

    /// The status all its attempts share, or `nil` when they differ.
    var status: TaskStatus? {
        for status in TaskStatus.allCases where counts[Int(status.rawValue)] == counts.wrappedSum() {
            return status
        }
        return nil
    }

    /// Seconds from start to end.
    var seconds: Double { end - start }

    /// Takes `later` (of the same slot, starting no earlier) into this span.
    mutating func absorb(_ later: TimelineSpan) {
        end = max(end, later.end)
        counts &+= later.counts
        detail = -1
    }
}
