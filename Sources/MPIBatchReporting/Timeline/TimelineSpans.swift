/// The attempts of a run as spans on one track per (rank, slot). Spans stay one per
/// attempt until there are more than a limit; then the neighbours on a slot that are
/// cheapest to merge (same status, smallest gap: `TimelineMergeCost`) are merged, with the
/// threshold that brings the count under the limit. Beyond `budget` spans this happens while reading, so memory
/// stays bounded however long the journal is.
struct TimelineSpans {
    /// The spans of one (rank, slot).
    struct Track {
        /// Its rank and slot.
        let id: TimelineSlotID
        /// Its spans, in start order once `limit(to:)` has run.
        var spans: [TimelineSpan] = []
        fileprivate var sorted = true
    }

    /// Every track, in the order first seen.
    private(set) var tracks: [Track] = []
    /// Attempts read.
    private(set) var attempts = 0
    /// Spans held.
    private(set) var count = 0
    /// Spans whose merge costs at most this are merged into the span before them on their
    /// slot; `nil` while nothing has been merged.
    private(set) var mergeCost: TimelineMergeCost?
    private var trackIndex: [TimelineSlotID: Int] = [:]
    private var lastTrack = (id: TimelineSlotID(rank: -1, slot: -1), index: -1)
    private let budget: Int

    /// Spans that hold at most `budget` spans while reading.
    init(budget: Int) { self.budget = max(2, budget) }

    /// Adds one attempt's span to its track, merging it into the previous one when it costs
    /// no more than the merges already made.
    mutating func add(_ span: TimelineSpan, rank: Int, slot: Int) {
        attempts += 1
        let track = trackNumber(rank: rank, slot: slot)
        if let last = tracks[track].spans.last {
            if span.start < last.start {
                tracks[track].sorted = false
            } else if let mergeCost, TimelineMergeCost(previous: last, end: last.end, next: span) <= mergeCost {
                tracks[track].spans[tracks[track].spans.count - 1].absorb(span)
                return
            }
        }
        tracks[track].spans.append(span)
        count += 1
        if count > budget { limit(to: budget / 2) }
    }

    /// Sorts every track and merges the cheapest neighbours until at most `maximum` spans
    /// remain (never fewer than one per track).
    mutating func limit(to maximum: Int) {
        for track in tracks.indices where !tracks[track].sorted {
            tracks[track].spans.sort { $0.start < $1.start }
            tracks[track].sorted = true
        }
        guard count > maximum else { return }
        let breaks = maximum - tracks.count  // spans that may stay apart from the one before them
        var costs: [TimelineMergeCost] = []
        costs.reserveCapacity(count)
        for track in tracks { forEachCost(in: track.spans) { cost, _ in costs.append(cost) } }
        let threshold: TimelineMergeCost
        if breaks <= 0 {
            threshold = .everything
        } else {
            costs.sort(by: >)
            threshold = costs[breaks]  // only costs above it stay apart: at most `breaks` of them
        }
        mergeCost = max(mergeCost ?? threshold, threshold)
        count = 0
        for track in tracks.indices {
            tracks[track].spans = merged(tracks[track].spans, upTo: mergeCost!)
            count += tracks[track].spans.count
        }
    }

    private mutating func trackNumber(rank: Int, slot: Int) -> Int {
        let id = TimelineSlotID(rank: rank, slot: slot)
        if id == lastTrack.id { return lastTrack.index }
        let index: Int
        if let known = trackIndex[id] {
            index = known
        } else {
            index = tracks.count
            tracks.append(Track(id: id))
            trackIndex[id] = index
        }
        lastTrack = (id, index)
        return index
    }

    /// Calls `body` with the cost of merging each span after the first into what comes
    /// before it, and the span.
    private func forEachCost(in spans: [TimelineSpan], _ body: (TimelineMergeCost, TimelineSpan) -> Void) {
        guard var previous = spans.first else { return }
        var end = previous.end
        for span in spans.dropFirst() {
            body(TimelineMergeCost(previous: previous, end: end, next: span), span)
            end = max(end, span.end)
            previous = span
        }
    }

    /// `spans` with every span whose cost is at most `threshold` merged into the one before.
    private func merged(_ spans: [TimelineSpan], upTo threshold: TimelineMergeCost) -> [TimelineSpan] {
        guard let first = spans.first else { return [] }
        var result = [first]
        forEachCost(in: spans) { cost, span in
            if cost <= threshold {
                result[result.count - 1].absorb(span)
            } else {
                result.append(span)
            }
        }
        return result
    }
}

/// A (rank, slot): one track of the timeline.
struct TimelineSlotID: Hashable, Comparable {
    /// The rank.
    let rank: Int
    /// The slot of the rank's pool.
    let slot: Int

    static func < (left: TimelineSlotID, right: TimelineSlotID) -> Bool {
        (left.rank, left.slot) < (right.rank, right.slot)
    }
}
