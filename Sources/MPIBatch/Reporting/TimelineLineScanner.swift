/// One `results.jsonl` line reduced to what the timeline draws.
struct TimelineAttempt {
    /// The task's index.
    var index = 0
    /// 1 for the first try.
    var attempt = 1
    /// How it ended.
    var status = TaskStatus.ok
    /// The rank that ran it.
    var rank = 0
    /// The slot of that rank's pool that ran it.
    var slot = 0
    /// Seconds since the run began on its rank.
    var start = 0.0
    /// How long it ran.
    var seconds = 0.0
    /// Where the `params` value lies in the line, as raw JSON.
    var params: Range<Int>?
    /// Where the `error` value lies in the line, as a raw JSON string; `nil` when it is `null`.
    var error: Range<Int>?
}

/// Why a line is not a journal line, and where (0-based byte offset).
struct TimelineSyntaxError: Error {
    /// The byte offset in the line.
    let offset: Int
    /// What is wrong.
    let reason: String
}

/// A dedicated scanner for one `results.jsonl` line: it decodes the few numbers and the
/// status the timeline needs and steps over every other value (strings with escapes,
/// nested objects and arrays), checking the JSON grammar as it goes. It is several times
/// faster than `JSONSerialization` and allocates nothing per line.
struct TimelineLineScanner {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0
    private static let maximumDepth = 256

    private init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// The attempt described by `line`, a JSON object holding at least `index`, `status`,
    /// `seconds`, `start`, `rank` and `slot`.
    static func scan(_ line: UnsafeBufferPointer<UInt8>) throws(TimelineSyntaxError) -> TimelineAttempt {
        var scanner = TimelineLineScanner(line)
        return try scanner.attempt()
    }

    private enum Field: Int, CaseIterable {
        case index, attempt, status, rank, slot, start, seconds, params, error

        var key: StaticString {
            switch self {
            case .index: "index"
            case .attempt: "attempt"
            case .status: "status"
            case .rank: "rank"
            case .slot: "slot"
            case .start: "start"
            case .seconds: "seconds"
            case .params: "params"
            case .error: "error"
            }
        }

        var bit: UInt16 { 1 << UInt16(rawValue) }
        static let required: [Field] = [.index, .status, .seconds, .start, .rank, .slot]
    }

    private mutating func attempt() throws(TimelineSyntaxError) -> TimelineAttempt {
        var result = TimelineAttempt()
        var seen: UInt16 = 0
        skipWhitespace()
        try expect(UInt8(ascii: "{"))
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            position += 1
        } else {
            while true {
                skipWhitespace()
                let keyOffset = position
                try expect(UInt8(ascii: "\""))
                let key = try stringContents()
                skipWhitespace()
                try expect(UInt8(ascii: ":"))
                skipWhitespace()
                if let field = field(named: key) {
                    seen |= field.bit
                    try read(field, into: &result, keyOffset: keyOffset)
                } else {
                    try skipValue(depth: 0)
                }
                skipWhitespace()
                if peek() == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                try expect(UInt8(ascii: "}"))
                break
            }
        }
        skipWhitespace()
        guard position == bytes.count else { throw fail("unexpected text after the object") }
        if let missing = Field.required.first(where: { seen & $0.bit == 0 }) {
            throw TimelineSyntaxError(offset: 0, reason: "missing \"\(missing.key)\"")
        }
        return result
    }

    private mutating func read(
        _ field: Field, into result: inout TimelineAttempt, keyOffset: Int
    ) throws(TimelineSyntaxError) {
        switch field {
        case .index: result.index = try integer(field)
        case .attempt: result.attempt = try integer(field)
        case .rank: result.rank = try integer(field)
        case .slot: result.slot = try integer(field)
        case .start: result.start = try number(field)
        case .seconds: result.seconds = try number(field)
        case .status: result.status = try status()
        case .params:
            let begin = position
            try skipValue(depth: 0)
            result.params = begin..<position
        case .error:
            let begin = position
            if peek() == UInt8(ascii: "n") {
                try literal("null")
            } else {
                guard peek() == UInt8(ascii: "\"") else { throw fail("expected a string or null for \"error\"") }
                position += 1
                _ = try stringContents()
                result.error = begin..<position
            }
        }
    }

    private func field(named key: Range<Int>) -> Field? {
        Field.allCases.first { field in
            field.key.utf8CodeUnitCount == key.count
                && field.key.withUTF8Buffer { name in
                    name.elementsEqual(bytes[key])
                }
        }
    }

    private mutating func status() throws(TimelineSyntaxError) -> TaskStatus {
        let begin = position
        try expect(UInt8(ascii: "\""))
        let text = try stringContents()
        for status in [TaskStatus.ok, .failed, .timeout, .interrupted]
        where status.description.utf8.elementsEqual(bytes[text]) {
            return status
        }
        throw TimelineSyntaxError(offset: begin, reason: "unknown status (expected ok, failed, timeout or interrupted)")
    }

    // MARK: Values

    private mutating func skipValue(depth: Int) throws(TimelineSyntaxError) {
        guard depth < Self.maximumDepth else { throw fail("nested too deeply") }
        switch peek() {
        case UInt8(ascii: "\""):
            position += 1
            _ = try stringContents()
        case UInt8(ascii: "{"): try skipContainer(close: UInt8(ascii: "}"), keyed: true, depth: depth)
        case UInt8(ascii: "["): try skipContainer(close: UInt8(ascii: "]"), keyed: false, depth: depth)
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default: _ = try numberText()
        }
    }

    private mutating func skipContainer(close: UInt8, keyed: Bool, depth: Int) throws(TimelineSyntaxError) {
        position += 1
        skipWhitespace()
        if peek() == close {
            position += 1
            return
        }
        while true {
            skipWhitespace()
            if keyed {
                try expect(UInt8(ascii: "\""))
                _ = try stringContents()
                skipWhitespace()
                try expect(UInt8(ascii: ":"))
                skipWhitespace()
            }
            try skipValue(depth: depth + 1)
            skipWhitespace()
            if peek() == UInt8(ascii: ",") {
                position += 1
                continue
            }
            try expect(close)
            return
        }
    }

    /// Steps past a string whose opening quote was consumed; returns the range between the quotes.
    private mutating func stringContents() throws(TimelineSyntaxError) -> Range<Int> {
        let begin = position
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                return begin..<(position - 1)
            }
            if byte == UInt8(ascii: "\\") {
                position += 1
                try escape()
            } else if byte < 0x20 {
                throw fail("control character in a string")
            } else {
                position += 1
            }
        }
        throw fail("unterminated string")
    }

    private mutating func escape() throws(TimelineSyntaxError) {
        switch peek() {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            position += 1
        case UInt8(ascii: "u"):
            position += 1
            for _ in 0..<4 {
                guard let byte = peek(), byte.isHexDigit else { throw fail("bad \\u escape") }
                position += 1
            }
        default: throw fail("bad escape in a string")
        }
    }

    private mutating func literal(_ word: StaticString) throws(TimelineSyntaxError) {
        let matches = word.withUTF8Buffer { word in
            position + word.count <= bytes.count && word.elementsEqual(bytes[position..<(position + word.count)])
        }
        guard matches else { throw fail("expected \(word)") }
        position += word.utf8CodeUnitCount
    }

    // MARK: Numbers

    /// A JSON number's parts: digits as an integer while they fit, and where it lies.
    private struct NumberText {
        var range: Range<Int>
        var negative: Bool
        var mantissa: UInt64
        var digits: Int
        var fractionDigits: Int
        var hasExponent: Bool
    }

    private mutating func numberText() throws(TimelineSyntaxError) -> NumberText {
        let begin = position
        var text = NumberText(
            range: begin..<begin, negative: false, mantissa: 0, digits: 0, fractionDigits: 0, hasExponent: false)
        if peek() == UInt8(ascii: "-") {
            text.negative = true
            position += 1
        }
        try digits(into: &text, fraction: false)
        if peek() == UInt8(ascii: ".") {
            position += 1
            try digits(into: &text, fraction: true)
        }
        if let byte = peek(), byte | 0x20 == UInt8(ascii: "e") {
            text.hasExponent = true
            position += 1
            if let sign = peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { position += 1 }
            var exponent = text
            try digits(into: &exponent, fraction: false)
        }
        text.range = begin..<position
        return text
    }

    private mutating func digits(into text: inout NumberText, fraction: Bool) throws(TimelineSyntaxError) {
        let begin = position
        while let byte = peek(), byte &- UInt8(ascii: "0") < 10 {
            if text.digits < 19 {
                text.mantissa = text.mantissa &* 10 &+ UInt64(byte &- UInt8(ascii: "0"))
            }
            text.digits += 1
            if fraction { text.fractionDigits += 1 }
            position += 1
        }
        guard position > begin else { throw fail("expected a digit") }
    }

    private static let powersOfTen: [Double] = (0...22).map { exponent in
        (0..<exponent).reduce(1.0) { value, _ in value * 10 }
    }

    private mutating func number(_ field: Field) throws(TimelineSyntaxError) -> Double {
        guard peek() == UInt8(ascii: "-") || peek().map({ $0 &- UInt8(ascii: "0") < 10 }) == true else {
            throw fail("expected a number for \"\(field.key)\"")
        }
        let text = try numberText()
        let magnitude: Double
        if !text.hasExponent, text.digits <= 15 {
            // Both operands are exact, so one division rounds correctly.
            magnitude = Double(text.mantissa) / Self.powersOfTen[text.fractionDigits]
        } else {
            let digits = String(decoding: bytes[text.range], as: UTF8.self)
            guard let value = Double(digits) else { throw fail("bad number for \"\(field.key)\"") }
            return value
        }
        return text.negative ? -magnitude : magnitude
    }

    private mutating func integer(_ field: Field) throws(TimelineSyntaxError) -> Int {
        let begin = position
        let value = try number(field)
        guard value == value.rounded(), abs(value) < 9e15 else {
            throw TimelineSyntaxError(offset: begin, reason: "expected an integer for \"\(field.key)\"")
        }
        return Int(value)
    }

    // MARK: Bytes

    private func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func expect(_ byte: UInt8) throws(TimelineSyntaxError) {
        guard peek() == byte else { throw fail("expected '\(Character(Unicode.Scalar(byte)))'") }
        position += 1
    }

    private mutating func skipWhitespace() {
        while let byte = peek(),
            byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
                || byte == UInt8(ascii: "\n")
        {
            position += 1
        }
    }

    private func fail(_ reason: String) -> TimelineSyntaxError {
        TimelineSyntaxError(offset: position, reason: position < bytes.count ? reason : reason + " (the line ends early)")
    }
}

extension UInt8 {
    fileprivate var isHexDigit: Bool {
        self &- UInt8(ascii: "0") < 10 || (self | 0x20) &- UInt8(ascii: "a") < 6
    }
}
