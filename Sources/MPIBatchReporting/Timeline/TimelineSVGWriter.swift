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
        escaped(value)
        bytes.append(UInt8(ascii: "\""))
    }

    /// `<rect x y width height/>`, with a tooltip when `title` is given.
    mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String? = nil, title: String? = nil) {
        guard let title else {
            openRect(x: x, y: y, width: width, height: height, fill: fill)
            return raw("/>\n")
        }
        rect(x: x, y: y, width: width, height: height, fill: fill) { $0.escaped(title) }
    }

    /// `<rect x y width height>` with the tooltip that `title` writes (text it writes
    /// unescaped must need no escaping: the timeline writes a tooltip per bar, as bytes).
    mutating func rect(
        x: Double, y: Double, width: Double, height: Double, fill: String? = nil, title: (inout TimelineSVGWriter) -> Void
    ) {
        openRect(x: x, y: y, width: width, height: height, fill: fill)
        raw("><title>")
        title(&self)
        raw("</title></rect>\n")
    }

    private mutating func openRect(x: Double, y: Double, width: Double, height: Double, fill: String?) {
        raw("<rect")
        attribute("x", x)
        attribute("y", y)
        attribute("width", width)
        attribute("height", height)
        if let fill { attribute("fill", fill) }
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
        escaped(content)
        raw("</text>\n")
    }

    /// A number as `NumberText.trimmed` writes it.
    mutating func trimmed(_ number: Double, digits: Int) { NumberText.appendTrimmed(number, digits: digits, to: &bytes) }

    /// An integer as `NumberText.grouped` writes it.
    mutating func grouped(_ integer: Int) { NumberText.appendGrouped(integer, to: &bytes) }

    /// A duration as `NumberText.duration` writes it.
    mutating func duration(_ seconds: Double) { NumberText.appendDuration(seconds, to: &bytes) }

    /// Markup already escaped (or needing none), as it is.
    mutating func raw(_ markup: ArraySlice<UInt8>) { bytes.append(contentsOf: markup) }

    /// Text content or an attribute value, with `&`, `<`, `>` and `"` escaped and other
    /// control characters (not allowed in XML) shown as spaces.
    mutating func escaped(_ text: String) {
        var text = text
        text.withUTF8 { escaped($0) }
    }

    /// UTF-8 text, escaped as `escaped(_:)` does.
    mutating func escaped(_ text: ArraySlice<UInt8>) {
        text.withUnsafeBufferPointer { escaped($0) }
    }

    /// Appends the runs of bytes that need no escaping at once, the others one by one.
    private mutating func escaped(_ text: UnsafeBufferPointer<UInt8>) {
        var run = 0
        for (offset, byte) in text.enumerated() {
            let replacement: StaticString
            switch byte {
            case UInt8(ascii: "&"): replacement = "&amp;"
            case UInt8(ascii: "<"): replacement = "&lt;"
            case UInt8(ascii: ">"): replacement = "&gt;"
            case UInt8(ascii: "\""): replacement = "&quot;"
            case 0..<0x20 where byte != UInt8(ascii: "\n") && byte != UInt8(ascii: "\t"): replacement = " "
            default: continue
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[run..<offset]))
            replacement.withUTF8Buffer { bytes.append(contentsOf: $0) }
            run = offset + 1
        }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[run...]))
    }
}
