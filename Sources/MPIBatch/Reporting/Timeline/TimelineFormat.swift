/// Numbers as the timeline prints them, without Foundation's formatters (the SVG writes
/// a few per bar).
enum TimelineFormat {
    /// Appends `number` with at most `digits` decimals, trailing zeros dropped (`12.5`, `3`).
    static func appendDecimal(_ number: Double, digits: Int, to bytes: inout [UInt8]) {
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

    /// `number` with at most `digits` decimals, as text.
    static func decimal(_ number: Double, digits: Int) -> String {
        var bytes: [UInt8] = []
        appendDecimal(number, digits: digits, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A duration a person reads at a glance: `850 µs`, `12.3 ms`, `2.07 s`, `1 h 02 min`.
    static func duration(_ seconds: Double) -> String {
        switch seconds {
        case ..<1e-3: decimal(seconds * 1e6, digits: 1) + " µs"
        case ..<1: decimal(seconds * 1e3, digits: 1) + " ms"
        case ..<100: decimal(seconds, digits: 2) + " s"
        case ..<3600: "\(Int(seconds) / 60) min \(twoDigits(Int(seconds) % 60)) s"
        default: "\(Int(seconds) / 3600) h \(twoDigits(Int(seconds) / 60 % 60)) min"
        }
    }

    /// `4,000,000`.
    static func grouped(_ integer: Int) -> String {
        let digits = String(integer.magnitude)
        var result = integer < 0 ? "-" : ""
        for (offset, digit) in digits.enumerated() {
            if offset > 0, (digits.count - offset) % 3 == 0 { result += "," }
            result.append(digit)
        }
        return result
    }

    private static func twoDigits(_ number: Int) -> String { number < 10 ? "0\(number)" : "\(number)" }
}
