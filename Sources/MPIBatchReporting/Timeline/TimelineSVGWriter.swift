import MPIBatchCore

/// The SVG markup the Gantt chart is made of, written straight into bytes: coordinates
/// rounded to hundredths of a pixel, text escaped for XML.
struct TimelineSVGWriter {
    /// The document so far.
    private(set) var bytes: [UInt8] = []

    /// An empty document with room for `capacity` bytes.
    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    /// Markup written as it is.
    mutating func raw(_ markup: String) { bytes.append(contentsOf: markup.utf8) }

    /// ` name="value"` for a number.
    mutating func attribute(_ name: StaticString, _ value: Double) {
        bytes.append(UInt8(ascii: " "))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: "=\"".utf8)
        NumberText.appendTrimmed(value, digits: 2, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// ` name="value"` for text.
    mutating func attribute(_ name: StaticString, _ value: String) {
        bytes.append(UInt8(ascii: " "))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: "=\"".utf8)
        escaped(value.utf8)
        bytes.append(UInt8(ascii: "\""))
    }

    /// `<rect x y width height/>`, with a tooltip when `title` is given.
    mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String? = nil, title: String? = nil) {
        raw("<rect")
        attribute("x", x)
        attribute("y", y)
        attribute("width", width)
        attribute("height", height)
        if let fill { attribute("fill", fill) }
        if let title {
            raw("><title>")
            escaped(title.utf8)
            raw("</title></rect>\n")
        } else {
            raw("/>\n")
        }
    }

    /// `<line>` from (x1, y1) to (x2, y2).
    mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String) {
        raw("<line")
        attribute("x1", x1)
        attribute("y1", y1)
        attribute("x2", x2)
        attribute("y2", y2)
        attribute("stroke", stroke)
        raw("/>\n")
    }

    /// `<text>` at (x, y); `anchor` is `start`, `middle` or `end`.
    mutating func text(_ content: String, x: Double, y: Double, anchor: String = "start", style: String? = nil) {
        raw("<text")
        attribute("x", x)
        attribute("y", y)
        if anchor != "start" { attribute("text-anchor", anchor) }
        if let style { attribute("class", style) }
        raw(">")
        escaped(content.utf8)
        raw("</text>\n")
    }

    /// Text content or an attribute value, with `&`, `<`, `>` and `"` escaped and other
    /// control characters (not allowed in XML) shown as spaces.
    mutating func escaped<Text: Sequence<UInt8>>(_ text: Text) {
        for byte in text {
            switch byte {
            case UInt8(ascii: "&"): bytes.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "<"): bytes.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): bytes.append(contentsOf: "&gt;".utf8)
            case UInt8(ascii: "\""): bytes.append(contentsOf: "&quot;".utf8)
            case 0..<0x20 where byte != UInt8(ascii: "\n") && byte != UInt8(ascii: "\t"): bytes.append(UInt8(ascii: " "))
            default: bytes.append(byte)
            }
        }
    }
}
