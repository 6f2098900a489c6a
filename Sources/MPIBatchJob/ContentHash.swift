import Yams

/// FNV-1a (64-bit) over a job's normalised content: the composed tree, not the
/// text, so whitespace, comments and quoting style that change nothing leave it alone.
package struct ContentHash {
    private var state: UInt64 = 0xCBF2_9CE4_8422_2325

    /// An empty hash.
    package init() {}

    /// Adds `text`'s UTF-8 bytes.
    package mutating func add(_ text: String) {
        for byte in text.utf8 {
            state = (state ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
    }

    /// Adds a YAML tree in a canonical form: plain and quoted scalars differ (`1` is a number, `'1'` a string).
    mutating func add(_ node: Node) {
        switch node {
        case .scalar(let scalar):
            add(scalar.style == .plain ? "p" : "q")
            add(String(scalar.string.utf8.count))
            add(":" + scalar.string)
        case .sequence(let sequence):
            add("[")
            for item in sequence { add(item) }
            add("]")
        case .mapping(let mapping):
            add("{")
            for (key, value) in mapping {
                add(key)
                add(value)
            }
            add("}")
        case .alias:
            add("*")
        }
    }

    /// 16 hex digits.
    package var hex: String {
        let digits = String(state, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
