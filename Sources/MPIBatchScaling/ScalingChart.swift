import MPIBatchCore
import MPIBatchReporting

/// `scaling.svg` (and the chart of `scaling.html`): speedup against ranks, measured, ideal
/// and Amdahl's fit, with the efficiency of each point written beside it.
extension ScalingStudy {
    /// The chart as SVG.
    public func svg() -> String {
        let width = 640.0
        let height = 400.0
        let plot = (x: 60.0, y: 40.0, width: 540.0, height: 300.0)
        let maxRanks = Double(points.map(\.ranks).max() ?? 1)
        let top = max(maxRanks, points.map(\.speedup).max() ?? 1)
        func x(_ ranks: Double) -> Double { plot.x + plot.width * (ranks - 1) / max(1, maxRanks - 1) }
        func y(_ speedup: Double) -> Double { plot.y + plot.height * (1 - speedup / top) }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" "
            + "font-family=\"sans-serif\" font-size=\"12\">"
        svg += "<title>\(PageHTML.escape(name)): speedup against ranks</title>"
        svg += "<text x=\"\(plot.x)\" y=\"22\" font-size=\"15\">\(PageHTML.escape(name)): speedup against ranks "
            + "(Amdahl's serial fraction \(NumberText.fixed(serialFraction * 100, digits: 2))%\(fitCaveat == nil ? "" : ", from too few runs to test it"))</text>"
        svg += "<line x1=\"\(plot.x)\" y1=\"\(plot.y + plot.height)\" x2=\"\(plot.x + plot.width)\" y2=\"\(plot.y + plot.height)\" stroke=\"#888\"/>"
        svg += "<line x1=\"\(plot.x)\" y1=\"\(plot.y)\" x2=\"\(plot.x)\" y2=\"\(plot.y + plot.height)\" stroke=\"#888\"/>"
        svg += "<line x1=\"\(x(1))\" y1=\"\(y(1))\" x2=\"\(x(maxRanks))\" y2=\"\(y(maxRanks))\" stroke=\"#999\" stroke-dasharray=\"5 4\"/>"
        svg += "<text x=\"\(x(maxRanks) - 40)\" y=\"\(y(maxRanks) - 6)\" fill=\"#777\">ideal</text>"
        let curve = stride(from: 1.0, through: maxRanks, by: max(0.05, (maxRanks - 1) / 100)).map { "\(x($0)),\(y(amdahlSpeedup(at: $0)))" }
        svg += "<polyline points=\"\(curve.joined(separator: " "))\" fill=\"none\" stroke=\"#f58518\" stroke-width=\"1.5\"/>"
        svg += "<polyline points=\"\(points.map { "\(x(Double($0.ranks))),\(y($0.speedup))" }.joined(separator: " "))\" "
            + "fill=\"none\" stroke=\"#4c78a8\" stroke-width=\"2\"/>"
        for point in points {
            let px = x(Double(point.ranks))
            let py = y(point.speedup)
            svg += "<circle cx=\"\(px)\" cy=\"\(py)\" r=\"4\" fill=\"#4c78a8\"><title>\(point.ranks) ranks: speedup "
                + "\(NumberText.fixed(point.speedup)), efficiency \(NumberText.fixed(point.efficiency * 100, digits: 1))%</title></circle>"
            let nearRightEdge = px > plot.x + plot.width * 0.7
            svg += "<text x=\"\(nearRightEdge ? px - 6 : px + 6)\" y=\"\(py + 16)\" text-anchor=\"\(nearRightEdge ? "end" : "start")\">"
                + "\(NumberText.fixed(point.speedup, digits: 2))× · \(NumberText.fixed(point.efficiency * 100, digits: 0))%</text>"
            svg += "<text x=\"\(px - 4)\" y=\"\(plot.y + plot.height + 16)\">\(point.ranks)</text>"
        }
        svg += "<text x=\"\(plot.x + plot.width / 2 - 20)\" y=\"\(height - 12)\">ranks</text>"
        svg += "<text x=\"8\" y=\"\(plot.y + 10)\">\(NumberText.fixed(top, digits: 1))×</text>"
        svg += "<text x=\"\(plot.x + 10)\" y=\"\(plot.y + 14)\" fill=\"#4c78a8\">measured</text>"
        svg += "<text x=\"\(plot.x + 10)\" y=\"\(plot.y + 30)\" fill=\"#f58518\">Amdahl's fit</text>"
        return svg + "</svg>\n"
    }

    /// Writes `scaling.json`, `scaling.svg` and `scaling.html` into `directory` (never through a link).
    public func write(directory: String) throws(RunFileError) {
        let json: [UInt8]
        do { json = try self.json() } catch { throw RunFileError(path: directory + "/scaling.json", reason: "\(error)") }
        for (file, bytes) in [("scaling.json", json), ("scaling.svg", Array(svg().utf8)), ("scaling.html", Array(html().utf8))] {
            do {
                try OutputFile.replace(directory + "/" + file, with: bytes)
            } catch {
                throw RunFileError(writing: error)
            }
        }
    }

    /// `scaling.html`: the chart and the table on one self-contained page.
    public func html() -> String {
        let rows = points.map { point in
            ("\(point.ranks) ranks (\(point.slots) slots)",
             "wall \(NumberText.fixed(point.wallSeconds)) s, speedup \(NumberText.fixed(point.speedup)), efficiency \(NumberText.fixed(point.efficiency * 100, digits: 1))%")
        }
        return PageHTML.page(
            title: "mpibatch scaling: \(name)",
            sections: [
                PageHTML.section("Speedup against ranks", id: "chart", svg()),
                PageHTML.section(
                    "Runs", id: "runs",
                    PageHTML.table(rows + [("Amdahl's serial fraction", "\(NumberText.fixed(serialFraction * 100, digits: 2))%"
                        + (fitCaveat.map { " (" + $0 + ")" } ?? ""))])),
            ])
    }
}
