/// Numbers for people, the one formatter behind every human text: the summary on stderr,
/// the report page, the timeline's captions and SVG, `plan`, the scaling table. Written by
/// hand rather than with Foundation's formatters, because the timeline writes a few per bar.
/// (Report files are JSON, written by `ReportCoding`; the journal by `JSONWriter`.)
package enum NumberText {
    /// `number` with exactly `digits` digits after the point (0…15), rounded half away from
    /// zero: `3.142`, `-1.3`, `0.0000` (no `-0`). A number too large for that, NaN or an
    /// infinity is written as Swift writes it.
    package static func fixed(_ number: Double, digits: Int = 3) -> String {
        var unit: UInt64 = 1
        for _ in 0..<digits { unit *= 10 }
        let scaled = (number.magnitude * Double(unit)).rounded()
        guard number.isFinite, scaled < 0x1p63 else { return number.description }
        let units = UInt64(scaled)
        let sign = number < 0 && units > 0 ? "-" : ""
        guard digits > 0 else { return sign + String(units) }
        let fraction = String(units % unit)
        return sign + String(units / unit) + "." + String(repeating: "0", count: digits - fraction.count) + fraction
    }

    /// Appends `number` with at most `digits` decimals, trailing zeros dropped (`12.5`, `3`);
    /// `0` for a number too large for that, NaN or an infinity.
    package static func appendTrimmed(_ number: Double, digits: Int, to bytes: inout [UInt8]) {
        guard number.isFinite, abs(number) < 1e15 else { return bytes.append(UInt8(ascii: "0")) }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        var scaled = Int((abs(number) * scale).rounded())
        if number < 0, scaled > 0 { bytes.append(UInt8(ascii: "-")) }
        let whole = scaled / Int(scale)
        bytes.append(contentsOf: String(whole).utf8)
        scaled -= whole * Int(scale)
        guard scaled > 0 else { return }
        bytes.append(UInt8(ascii: "."))
        var divisor = Int(scale) / 10
        while scaled > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(scaled / divisor))
            scaled %= divisor
            divisor /= 10
        }
    }

    /// `number` with at most `digits` decimals, trailing zeros dropped, as text (see `appendTrimmed`).
    package static func trimmed(_ number: Double, digits: Int) -> String { text { appendTrimmed(number, digits: digits, to: &$0) } }

    /// `10,000,000`.
    package static func grouped(_ integer: Int) -> String { text { appendGrouped(integer, to: &$0) } }

    /// Appends `integer` as `grouped` writes it.
    package static func appendGrouped(_ integer: Int, to bytes: inout [UInt8]) {
        if integer < 0 { bytes.append(UInt8(ascii: "-")) }
        let digits = String(integer.magnitude).utf8
        for (offset, digit) in digits.enumerated() {
            if offset > 0, (digits.count - offset) % 3 == 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(digit)
        }
    }

    /// A duration read at a glance: `850 µs`, `12.3 ms`, `2.07 s`, `4 min 05 s`, `1 h 02 min`
    /// (past 10⁹ hours, NaN or an infinity: in seconds, as `fixed` writes them).
    package static func duration(_ seconds: Double) -> String { text { appendDuration(seconds, to: &$0) } }

    /// Appends `seconds` as `duration` writes it (the timeline writes one per bar).
    package static func appendDuration(_ seconds: Double, to bytes: inout [UInt8]) {
        guard seconds.isFinite, seconds < 3.6e12 else { return bytes.append(contentsOf: (fixed(seconds, digits: 0) + " s").utf8) }
        switch seconds {
        case ..<1e-3:
            appendTrimmed(seconds * 1e6, digits: 1, to: &bytes)
            bytes.append(contentsOf: " µs".utf8)
        case ..<1:
            appendTrimmed(seconds * 1e3, digits: 1, to: &bytes)
            bytes.append(contentsOf: " ms".utf8)
        case ..<100:
            appendTrimmed(seconds, digits: 2, to: &bytes)
            bytes.append(contentsOf: " s".utf8)
        case ..<3600: bytes.append(contentsOf: "\(Int(seconds) / 60) min \(twoDigits(Int(seconds) % 60)) s".utf8)
        default: bytes.append(contentsOf: "\(Int(seconds) / 3600) h \(twoDigits(Int(seconds) / 60 % 60)) min".utf8)
        }
    }

    /// The text that `append` writes.
    private static func text(_ append: (inout [UInt8]) -> Void) -> String {
        var bytes: [UInt8] = []
        append(&bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A size in decimal units with one decimal: `950 B`, `1.2 MB`, `16.8 GB` (any number, NaN included).
    package static func bytes(_ count: Double) -> String {
        let units = ["B", "kB", "MB", "GB", "TB", "PB", "EB"]
        var value = count
        var unit = 0
        while value >= 1000, unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return unit == 0 ? fixed(value, digits: 0) + " B" : fixed(value, digits: 1) + " " + units[unit]
    }

    private static func twoDigits(_ number: Int) -> String { number < 10 ? "0\(number)" : "\(number)" }
}
