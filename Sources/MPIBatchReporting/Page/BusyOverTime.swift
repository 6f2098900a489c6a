/// Busy slots over time, gathered before the run's length is known: summed task time in
/// equal bins from `origin`, whose width doubles (neighbours merged) whenever a task ends
/// beyond the last bin, so there are never more than `capacity` bins and, once the run is
/// longer than the first bins cover, never fewer than half of them in use.
struct BusyOverTime {
    /// Where the first bin starts, in seconds on the run's axis.
    let origin: Double
    /// One bin's width, in seconds.
    private(set) var width: Double
    /// Task seconds per bin.
    private var seconds: [Double]

    /// Empty bins from `origin`, each `width` seconds at first; `capacity` is even.
    init(origin: Double, width: Double = 0.001, capacity: Int = 600) {
        self.origin = origin
        self.width = width
        seconds = Array(repeating: 0, count: capacity)
    }

    /// Spreads the task time from `start` to `end` over the bins it overlaps (before `origin`: not counted).
    mutating func add(from start: Double, to end: Double) {
        while end > origin + width * Double(seconds.count) { coarsen() }
        var time = max(start, origin)
        while time < end {
            let bin = min(seconds.count - 1, Int((time - origin) / width))
            let binEnd = origin + Double(bin + 1) * width
            let piece = min(end, binEnd) - time
            seconds[bin] += piece
            time += max(piece, 1e-12)
        }
    }

    /// The busy slots (task seconds ÷ bin width) of the bins that cover `wallSeconds` from the
    /// origin, merged so that at most `points` are left, each with the time its bin starts.
    func curve(wallSeconds: Double, points: Int) -> (times: [Double], busy: [Double]) {
        let used = max(1, min(seconds.count, Int((wallSeconds / width).rounded(.up))))
        let merge = max(1, (used + points - 1) / points)
        var times: [Double] = []
        var busy: [Double] = []
        for first in stride(from: 0, to: used, by: merge) {
            let last = min(used, first + merge)
            times.append(Double(first) * width)
            busy.append(seconds[first..<last].reduce(0, +) / (width * Double(last - first)))
        }
        return (times, busy)
    }

    /// Halves the bin count's use: neighbours merged, each bin twice as wide.
    private mutating func coarsen() {
        let half = seconds.count / 2
        for bin in 0..<half { seconds[bin] = seconds[2 * bin] + seconds[2 * bin + 1] }
        for bin in half..<seconds.count { seconds[bin] = 0 }
        width *= 2
    }
}
