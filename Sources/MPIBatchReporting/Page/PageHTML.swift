/// The report page's HTML: one self-contained file (styles inline, charts as inline SVG, no
/// script and nothing fetched at view time), so it opens anywhere, offline, years later.
package enum PageHTML {
    /// `text` safe inside HTML text and attribute values.
    package static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// A table of label, value rows.
    package static func table(_ rows: [(String, String)]) -> String {
        "<table>" + rows.map { "<tr><th>\(escape($0.0))</th><td>\(escape($0.1))</td></tr>" }.joined() + "</table>"
    }

    /// A section with a heading.
    package static func section(_ title: String, id: String, _ body: String) -> String {
        sectionOpening(title, id: id) + body + sectionClosing
    }

    /// A section's start, up to its body: its heading.
    static func sectionOpening(_ title: String, id: String) -> String { "<section id=\"\(id)\"><h2>\(escape(title))</h2>" }

    /// A section's end, after its body.
    static let sectionClosing = "</section>"

    /// The whole page; `head` goes into its head (the live page's refresh).
    package static func page(title: String, sections: [String], head: String = "") -> String {
        pageOpening(title: title, head: head) + sections.joined(separator: "\n") + pageClosing
    }

    /// The whole page as bytes, its sections given as bytes: a report's Gantt chart (megabytes of
    /// SVG) goes in as it was drawn, never decoded into a `String` and copied through it.
    static func page(title: String, sections: [[UInt8]]) -> [UInt8] {
        var page = Array(pageOpening(title: title, head: "").utf8)
        page.reserveCapacity(sections.reduce(page.count + 64) { $0 + $1.count + 1 })
        for (number, section) in sections.enumerated() {
            if number > 0 { page.append(UInt8(ascii: "\n")) }
            page.append(contentsOf: section)
        }
        page.append(contentsOf: pageClosing.utf8)
        return page
    }

    /// The page up to its first section.
    private static func pageOpening(title: String, head: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(escape(title))</title>
        <meta name="viewport" content="width=device-width, initial-scale=1">\(head)
        <style>
        body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em auto; max-width: 1100px; color: #222; padding: 0 1em; }
        h1 { font-size: 1.5em; } h2 { font-size: 1.15em; border-bottom: 1px solid #ddd; padding-bottom: .2em; margin-top: 1.6em; }
        table { border-collapse: collapse; } th { text-align: left; font-weight: 600; padding: 2px 16px 2px 0; }
        td { padding: 2px 0; font-variant-numeric: tabular-nums; }
        .chart text { font-size: 11px; fill: #444; } .bar { fill: #4c78a8; } .line { fill: none; stroke: #e45756; stroke-width: 1.5; }
        .band { fill: #e45756; opacity: .2; } .reference { stroke: #444; stroke-dasharray: 4 3; }
        .gantt { overflow: auto; max-height: 640px; border: 1px solid #ddd; }
        .finding { margin: .5em 0; } .finding .kind { font-weight: 600; } .none { color: #2a7; }
        .live { background: #fff6d6; border: 1px solid #e8c44a; padding: .5em 1em; }
        </style></head><body>
        <h1>\(escape(title))</h1>

        """
    }

    /// The page after its last section.
    private static let pageClosing = "\n</body></html>\n"
}
