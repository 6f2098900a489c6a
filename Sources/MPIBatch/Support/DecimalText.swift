/// Number formatting for human summaries, without Foundation.
enum DecimalText {
    /// `x` with exactly `decimals` digits after the point (0…15), rounded half away from zero.
    static func fixed(_ x: Double, _ decimals: Int) -> String {
        var unit: UInt64 = 1
        for _ in 0..<decimals { unit *= 10 }
        let scaled = (x.magnitude * Double(unit)).rounded()
        guard x.isFinite, scaled < 0x1p63 else { return x.description }
        let units = UInt64(scaled)
        let sign = x < 0 && units > 0 ? "-" : ""
        guard decimals > 0 else { return sign + String(units) }
        let fraction = String(units % unit)
        return sign + String(units / unit) + "." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }

    /// `10,000,000`.
    static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var text = n < 0 ? "-" : ""
        for (offset, digit) in digits.enumerated() {
            if offset > 0, (digits.count - offset) % 3 == 0 { text.append(",") }
            text.append(digit)
        }
        return text
    }
}
