import MPIBatchCore

/// `timeline.svg`: the run as a Gantt chart. One row per (rank, slot), a time axis in
/// seconds, a bar per task coloured by status, a legend, and a title with the job's wall
/// time, speedup and efficiency.
struct TimelineSVG {
    private let rows: [TimelineRow]
    private let details: TimelineDetails
    private let caption: TimelineCaption
    private let axis: TimelineAxis
    private let rowHeight: Double
    private let left: Double
    private let top: Double
    private var svg: TimelineSVGWriter

    private static let width = 1400.0
    private static let right = 30.0
    private static let lineHeight = 18.0
    private static let labelHeight = 12.0

    /// The chart of `rows` captioned by `caption`, its axis spanning the wall time `wallSeconds`.
    static func svg(rows: [TimelineRow], details: TimelineDetails, caption: TimelineCaption, wallSeconds: Double)
        -> [UInt8]
    {
        var chart = TimelineSVG(rows: rows, details: details, caption: caption, wallSeconds: wallSeconds)
        chart.draw()
        return chart.svg.bytes
    }

    private init(rows: [TimelineRow], details: TimelineDetails, caption: TimelineCaption, wallSeconds: Double) {
        self.rows = rows
        self.details = details
        self.caption = caption
        let lastEnd = rows.compactMap { $0.spans.map(\.end).max() }.max() ?? 0
        axis = TimelineAxis(end: max(lastEnd, wallSeconds), ticks: 10)
        rowHeight = min(22, max(3, (600 / Double(max(1, rows.count))).rounded(.down)))
        let longestLabel = rows.map { $0.rankName.count + $0.slotName.count + 3 }.max() ?? 10
        left = min(320, max(100, Double(longestLabel) * 6.5 + 20))
        top = Self.lineHeight * Double(caption.merging == nil ? 4 : 5) + 8
        svg = TimelineSVGWriter(capacity: 160 * caption.bars + 8192)
    }

    private var plotWidth: Double { Self.width - left - Self.right }
    private var plotHeight: Double { rowHeight * Double(rows.count) }
    private func x(_ seconds: Double) -> Double { left + max(0, seconds) / axis.end * plotWidth }
    private func y(_ row: Int) -> Double { top + Double(row) * rowHeight }

    private mutating func draw() {
        let height = top + plotHeight + 56
        svg.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"")
        svg.attribute("width", Self.width)
        svg.attribute("height", height)
        svg.raw(" viewBox=\"0 0 \(Int(Self.width)) \(Int(height.rounded(.up)))\" font-family=\"Helvetica, Arial, sans-serif\">\n")
        svg.raw("<style>text{font-size:12px;fill:#222}.title{font-size:17px;font-weight:bold}.note{fill:#555}")
        svg.raw(".tick{font-size:11px;fill:#444}.label{font-size:11px}</style>\n")
        svg.rect(x: 0, y: 0, width: Self.width, height: height, fill: "#ffffff")
        drawCaption()
        drawRankBands()
        drawAxis()
        drawBars()
        drawLabels()
        svg.raw("</svg>\n")
    }

    private mutating func drawCaption() {
        svg.text(caption.title, x: 16, y: 26, style: "title")
        svg.text(caption.attempts, x: 16, y: 26 + Self.lineHeight, style: "note")
        var line = 2.0
        if let merging = caption.merging {
            svg.text(merging, x: 16, y: 26 + Self.lineHeight * line, style: "note")
            line += 1
        }
        var legendX = 16.0
        let legendY = 26 + Self.lineHeight * line
        let entries =
            TimelineCaption.statuses.map {
                (Self.colour(of: $0), "\($0) (\(NumberText.grouped(Int(caption.counts[Int($0.rawValue)]))))")
            }
            + (caption.mixesStatuses ? [(Self.colour(of: nil), "merged, mixed statuses")] : [])
            + (caption.startups.map { [(Self.startupColour, $0)] } ?? [])
        for (colour, label) in entries {
            svg.rect(x: legendX, y: legendY - 10, width: 12, height: 12, fill: colour)
            svg.text(label, x: legendX + 17, y: legendY)
            legendX += 17 + Double(label.count) * 7 + 22
        }
    }

    /// A light band behind every other rank, and a rule between ranks.
    private mutating func drawRankBands() {
        var first = 0
        var band = 0
        while first < rows.count {
            let rank = rows[first].id.rank
            let count = rows[first...].prefix { $0.id.rank == rank }.count
            if band % 2 == 1 {
                svg.rect(x: left, y: y(first), width: plotWidth, height: rowHeight * Double(count), fill: "#f0f0f0")
            }
            if first > 0 { svg.line(x1: left - 6, y1: y(first), x2: left + plotWidth, y2: y(first), stroke: "#bbbbbb") }
            first += count
            band += 1
        }
    }

    private mutating func drawAxis() {
        let bottom = top + plotHeight
        for tick in axis.ticks {
            svg.line(x1: x(tick), y1: top, x2: x(tick), y2: bottom + 5, stroke: tick == 0 ? "#888888" : "#dddddd")
            svg.text(NumberText.trimmed(tick, digits: axis.digits), x: x(tick), y: bottom + 18, anchor: "middle", style: "tick")
        }
        svg.line(x1: left, y1: bottom, x2: left + plotWidth, y2: bottom, stroke: "#888888")
        svg.text(
            "seconds since the run began on each rank", x: left + plotWidth / 2, y: bottom + 40, anchor: "middle",
            style: "note")
    }

    /// Bars grouped by colour, worker start-ups first; failures drawn last so nothing hides them.
    private mutating func drawBars() {
        let places = rows.map { row in
            var place = TimelineSVGWriter(capacity: 32)
            place.escaped("\(row.rankName) \(row.slotName)")
            return place.bytes[...]
        }
        if caption.startups != nil {
            svg.raw("<g fill=\"\(Self.startupColour)\">\n")
            for (number, row) in rows.enumerated() {
                for startup in row.startups {
                    svg.rect(
                        x: x(startup.start), y: y(number) + barInset, width: max(1, x(startup.end) - x(startup.start)),
                        height: barHeight
                    ) { title in
                        title.raw("worker start-up, ")
                        title.duration(startup.end - startup.start)
                        title.raw(" before task \(startup.index), ")
                        title.raw(places[number])
                    }
                }
            }
            svg.raw("</g>\n")
        }
        let pieces = TimelineSVGPieces.draw(spanCounts: rows.map(\.spans.count), groups: Self.barOrder.count) {
            [self] piece, groups in drawSpans(piece, places: places, into: &groups)
        }
        for (group, status) in Self.barOrder.enumerated() {
            svg.raw("<g fill=\"\(Self.colour(of: status))\">\n")
            for piece in pieces { svg.raw(piece[group].bytes[...]) }
            svg.raw("</g>\n")
        }
    }

    /// The statuses of the bars' groups, in drawing order.
    private static let barOrder: [TaskStatus?] = [.ok, .interrupted, .cancelled, nil, .timeout, .failed]

    private var barHeight: Double { rowHeight >= 6 ? rowHeight - 2 : rowHeight }
    private var barInset: Double { (rowHeight - barHeight) / 2 }

    /// The bars of the spans in `piece` (row, first and end span of each row it covers), one
    /// writer per group of `barOrder`.
    private func drawSpans(_ piece: TimelineSVGPieces.Piece, places: [ArraySlice<UInt8>], into groups: inout [TimelineSVGWriter]) {
        for (number, spans) in piece {
            let row = rows[number]
            for span in row.spans[spans] {
                let group = Self.barOrder.firstIndex(of: span.status)!
                groups[group].rect(
                    x: x(span.start), y: y(number) + barInset, width: max(1, x(span.end) - x(span.start)), height: barHeight
                ) { title in
                    tooltip(span, place: places[number], to: &title)
                }
            }
        }
    }

    /// Every row's name when rows are tall enough, otherwise one name per rank where it fits.
    private mutating func drawLabels() {
        var lastLabel = -Double.infinity
        for (number, row) in rows.enumerated() {
            let firstOfRank = number == 0 || rows[number - 1].id.rank != row.id.rank
            let label: String
            let middle: Double
            if rowHeight >= Self.labelHeight {
                label = firstOfRank ? "\(row.rankName) · \(row.slotName)" : row.slotName
                middle = y(number) + rowHeight / 2
            } else if firstOfRank {
                let count = rows[number...].prefix { $0.id.rank == row.id.rank }.count
                label = row.rankName
                middle = y(number) + rowHeight * Double(count) / 2
            } else {
                continue
            }
            guard middle - lastLabel >= Self.labelHeight else { continue }
            svg.text(label, x: left - 8, y: middle + 4, anchor: "end", style: "label")
            lastLabel = middle
        }
    }

    /// A bar's tooltip, escaped: `place` (its rank and slot) is escaped already.
    private func tooltip(_ span: TimelineSpan, place: ArraySlice<UInt8>, to title: inout TimelineSVGWriter) {
        func when() {
            title.duration(span.seconds)
            title.raw(" from ")
            title.trimmed(span.start, digits: 6)
            title.raw(" s, ")
            title.raw(place)
        }
        guard span.count == 1 else {
            title.raw("busy: ")
            title.grouped(span.count)
            title.raw(" tasks from index \(span.index), ")
            when()
            title.raw(": ")
            var first = true
            for status in TimelineCaption.statuses where span.counts[Int(status.rawValue)] > 0 {
                if !first { title.raw(", ") }
                first = false
                title.grouped(Int(span.counts[Int(status.rawValue)]))
                title.raw(" \(status)")
            }
            return
        }
        title.raw("task \(span.index)")
        if span.attempt > 1 { title.raw(" (attempt \(span.attempt))") }
        title.raw(span.status.map { " \($0), " } ?? " mixed, ")
        when()
        let extra = details[span.detail]
        if !extra.isEmpty {
            title.raw(" ")
            title.escaped(extra)
        }
    }

    /// The fill of a worker's start-up.
    static let startupColour = "#6baed6"

    /// The fill of a bar of `status` (`nil`: merged, mixed statuses).
    static func colour(of status: TaskStatus?) -> String {
        switch status {
        case .ok: "#3a923a"
        case .failed: "#d62728"
        case .timeout: "#ff9f1c"
        case .interrupted: "#8c8c8c"
        case .cancelled: "#c7c7c7"
        case nil: "#9467bd"
        }
    }
}
