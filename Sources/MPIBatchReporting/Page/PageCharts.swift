import MPIBatchCore

/// The report page's small charts, as inline SVG: bars, a histogram, a line over an area.
enum PageCharts {
    static let width = 720.0
    static let height = 220.0
    private static let margin = (left: 60.0, right: 16.0, top: 12.0, bottom: 36.0)

    /// Horizontal bars: one per label, with its value written beside it.
    static func bars(_ items: [(label: String, value: Double)], unit: String) -> String {
        let rowHeight = 22.0
        let chartHeight = Double(items.count) * rowHeight + 8
        let largest = max(items.map(\.value).max() ?? 0, 1e-12)
        var svg = "<svg class=\"chart\" viewBox=\"0 0 \(width) \(chartHeight)\" width=\"\(width)\" height=\"\(chartHeight)\">"
        for (row, item) in items.enumerated() {
            let y = Double(row) * rowHeight + 4
            let length = (width - 260) * item.value / largest
            svg += "<text x=\"4\" y=\"\(y + 15)\">\(PageHTML.escape(item.label))</text>"
            svg += "<rect class=\"bar\" x=\"140\" y=\"\(y + 2)\" width=\"\(max(1, length))\" height=\"16\"/>"
            svg += "<text x=\"\(146 + length)\" y=\"\(y + 15)\">\(NumberText.fixed(item.value)) \(unit)</text>"
        }
        return svg + "</svg>"
    }

    /// Vertical bars over labelled bins.
    static func histogram(counts: [Int], label: (Int) -> String, caption: String) -> String {
        guard let first = counts.firstIndex(where: { $0 > 0 }), let last = counts.lastIndex(where: { $0 > 0 }) else {
            return "<p>No tasks.</p>"
        }
        let shown = Array(counts[first...last])
        let largest = Double(shown.max() ?? 1)
        let plot = plotArea()
        let step = plot.width / Double(shown.count)
        var svg = open(caption: caption)
        for (offset, count) in shown.enumerated() {
            let barHeight = plot.height * Double(count) / largest
            let x = plot.x + Double(offset) * step
            svg += "<rect class=\"bar\" x=\"\(x + 1)\" y=\"\(plot.y + plot.height - barHeight)\" width=\"\(max(1, step - 2))\" "
                + "height=\"\(barHeight)\"><title>\(label(first + offset)): \(count) tasks</title></rect>"
            if offset % max(1, shown.count / 6) == 0 {
                svg += "<text x=\"\(x)\" y=\"\(height - 18)\">\(label(first + offset))</text>"
            }
        }
        svg += "<text x=\"4\" y=\"\(plot.y + 10)\">\(Int(largest))</text>"
        return svg + "</svg>"
    }

    /// A line (and, when given, a band around it) over x from `xs`.
    static func line(
        xs: [Double], ys: [Double], band: [(low: Double, high: Double)]? = nil, xLabel: String, yLabel: String,
        reference: Double? = nil
    ) -> String {
        guard let xFirst = xs.first, let xLast = xs.last, !ys.isEmpty else { return "<p>Nothing to draw.</p>" }
        var values = ys + (band?.flatMap { [$0.low, $0.high] } ?? [])
        if let reference { values.append(reference) }
        let low = values.min()!
        let high = max(values.max()!, low + 1e-12)
        let plot = plotArea()
        func x(_ value: Double) -> Double { plot.x + plot.width * (value - xFirst) / max(1e-12, xLast - xFirst) }
        func y(_ value: Double) -> Double { plot.y + plot.height * (1 - (value - low) / (high - low)) }
        var svg = open(caption: "\(yLabel) against \(xLabel)")
        if let band {
            let upper = zip(xs, band).map { "\(x($0)),\(y($1.high))" }
            let lower = zip(xs, band).reversed().map { "\(x($0)),\(y($1.low))" }
            svg += "<polygon class=\"band\" points=\"\((upper + lower).joined(separator: " "))\"/>"
        }
        if let reference {
            svg += "<line class=\"reference\" x1=\"\(plot.x)\" x2=\"\(plot.x + plot.width)\" y1=\"\(y(reference))\" y2=\"\(y(reference))\"/>"
        }
        svg += "<polyline class=\"line\" points=\"\(zip(xs, ys).map { "\(x($0)),\(y($1))" }.joined(separator: " "))\"/>"
        svg += "<text x=\"4\" y=\"\(plot.y + 10)\">\(NumberText.fixed(high))</text><text x=\"4\" y=\"\(plot.y + plot.height)\">\(NumberText.fixed(low))</text>"
        svg += "<text x=\"\(plot.x)\" y=\"\(height - 18)\">\(NumberText.fixed(xFirst))</text>"
        svg += "<text x=\"\(plot.x + plot.width - 60)\" y=\"\(height - 18)\">\(NumberText.fixed(xLast)) \(PageHTML.escape(xLabel))</text>"
        return svg + "</svg>"
    }

    private static func plotArea() -> (x: Double, y: Double, width: Double, height: Double) {
        (margin.left, margin.top, width - margin.left - margin.right, height - margin.top - margin.bottom)
    }

    private static func open(caption: String) -> String {
        "<svg class=\"chart\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" role=\"img\">"
            + "<title>\(PageHTML.escape(caption))</title>"
    }
}
