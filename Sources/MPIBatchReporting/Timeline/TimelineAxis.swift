/// The time axis of the Gantt chart: zero to the last second shown, with round ticks
/// (1, 2 or 5 × 10ⁿ seconds apart).
struct TimelineAxis {
    /// The last second shown; the axis starts at zero.
    let end: Double
    /// Seconds between ticks.
    let step: Double
    /// Decimals needed to tell the ticks apart.
    let digits: Int

    /// An axis from zero to `end` with the round step that gives closest to `ticks` intervals.
    init(end: Double, ticks: Int) {
        let extent = end.isFinite && end > 0 ? end : 1
        let intervals = Double(max(1, ticks))
        var power = 1.0
        var digits = 0
        while extent / power < intervals {
            power /= 10
            digits += 1
        }
        while extent / power > intervals * 10 {
            power *= 10
            digits = max(0, digits - 1)
        }
        let candidates = [1.0, 2, 5, 10].map { $0 * power }
        step = candidates.min { abs(extent / $0 - intervals) < abs(extent / $1 - intervals) }!
        self.end = extent
        self.digits = step < 1 ? digits - (step >= power * 10 ? 1 : 0) : 0
    }

    /// The tick values, from zero up to `end`.
    var ticks: [Double] {
        (0...Int((end / step + 1e-9).rounded(.down))).map { Double($0) * step }
    }
}
