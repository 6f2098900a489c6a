/// The attempts of a run as spans on one track per (rank, slot). Spans stay one per
/// attempt until there are more than a limit; then the adjacent spans of a slot with the
/// smallest gaps between them are merged, choosing the gap threshold that brings the
/// count under the limit. Beyond `budget` spans this happens while reading, so memory
/// stays bounded however long the journal is.
struct TimelineSpans {
    /// The spans of one (rank, slot).
    struct Track {
        /// The rank.
        let rank: Int
        /// The slot within the rank's pool.
        let slot: Int
        /// Its spans, in start order once `limit(to:)` has run.
        var spans: [TimelineSpan] = []
        fileprivate var sorted = true
    }

    private struct Key: Hashable {
        let rank: Int
        let slot: Int
    }

    /// Every track, in the order first seen.
    private(set) var tracks: [Track] = []
    /// Attempts read.
    private(set) var attempts = 0
    /// Spans held.
    private(set) var count = 0
    /// Attempts whose gap to the previous span of their slot is at most this are merged
    /// into it; `nil` while nothing has been merged.
    private(set) var mergeGap: Double?
    private var trackIndex: [Key: Int] = [:]
    private var lastTrack = (key: Key(rank: -1, slot: -1), index: -1)
    private let budget: Int

    /// Spans that hold at most `budget` spans while reading.
    init(budget: Int) { self.budget = max(2, budget) }

    /// Adds one attempt's span to its track, merging it into the previous one when a merge
    /// gap is in force and it is close enough.
    mutating func add(_ span: TimelineSpan, rank: Int, slot: Int) {
        attempts += 1
        let track = trackNumber(rank: rank, slot: slot)
        if let mergeGap, let last = tracks[track].spans.last, span.start >= last.start {
            if span.start - last.end <= mergeGap {
                tracks[track].spans[tracks[track].spans.count - 1].absorb(span)
                return
            }
        } else if let last = tracks[track].spans.last, span.start < last.start {
            tracks[track].sorted = false
        }
        tracks[track].spans.append(span)
        count += 1
        if count > budget { limit(to: budget / 2) }
    }

    /// Sorts every track and merges the closest neighbours until at most `maximum` spans
    /// remain (never fewer than one per track).
    mutating func limit(to maximum: Int) {
        for track in tracks.indices where !tracks[track].sorted {
            tracks[track].spans.sort { $0.start < $1.start }
            tracks[track].sorted = true
        }
        guard count > maximum else { return }
        let breaks = maximum - tracks.count  // gaps that may stay open
        var gaps: [Double] = []
        gaps.reserveCapacity(count)
        for track in tracks { forEachGap(in: track.spans) { gaps.append($0) } }
        let threshold: Double
        if breaks <= 0 {
            threshold = .infinity
        } else {
            gaps.sort(by: >)
            threshold = gaps[breaks]  // gaps above it stay open: at most `breaks` of them
        }
        mergeGap = max(mergeGap ?? threshold, threshold)
        count = 0
        for track in tracks.indices {
            tracks[track].spans = merged(tracks[track].spans, gap: mergeGap!)
            count += tracks[track].spans.count
        }
    }

    /// Tracks sorted by rank, then slot.
    var sortedTracks: [Track] { tracks.sorted { ($0.rank, $0.slot) < ($1.rank, $1.slot) } }

    private mutating func trackNumber(rank: Int, slot: Int) -> Int {
        let key = Key(rank: rank, slot: slot)
        if key == lastTrack.key { return lastTrack.index }
        let index: Int
        if let known = trackIndex[key] {
            index = known
        } else {
            index = tracks.count
            tracks.append(Track(rank: rank, slot: slot))
            trackIndex[key] = index
        }
        lastTrack = (key, index)
        return index
    }

    /// Calls `body` with the idle time before each span after the first (negative when it
    /// starts before everything earlier in the slot has ended).
    private func forEachGap(in spans: [TimelineSpan], _ body: (Double) -> Void) {
        guard var end = spans.first?.end else { return }
        for span in spans.dropFirst() {
            body(span.start - end)
            end = max(end, span.end)
        }
    }

    private func merged(_ spans: [TimelineSpan], gap: Double) -> [TimelineSpan] {
        var result: [TimelineSpan] = []
        for span in spans {
            if let last = result.last, span.start - last.end <= gap {
                result[result.count - 1].absorb(span)
            } else {
                result.append(span)
            }
        }
        return result
    }
}
