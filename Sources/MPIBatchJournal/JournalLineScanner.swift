import MPIBatchCore

/// Why a line is not a journal line, and where (0-based byte offset).
struct JournalSyntaxError: Error {
    /// The byte offset in the line.
    let offset: Int
    /// What is wrong.
    let reason: String
}

/// The one parser of `results.jsonl` lines, used by resume, `results` and the timeline.
/// It reads the line's top-level keys, decodes the fixed fields and records where the
/// free-form values lie, stepping over them (strings with escapes, nested objects and
/// arrays) while checking the JSON grammar. A key is matched only at the top level, so a
/// parameter named `status` inside `params` is never taken for the line's status. It is
/// several times faster than `JSONSerialization` and allocates nothing per line.
package struct JournalLineScanner {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0
    private static let maximumDepth = 256

    private init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// The attempt described by `line`, a JSON object holding at least `index`, `status`,
    /// `seconds`, `start`, `rank` and `slot`.
    static func scan(_ line: UnsafeBufferPointer<UInt8>) throws(JournalSyntaxError) -> JournalEntry {
        var scanner = JournalLineScanner(line)
        return try scanner.attempt()
    }

    /// Whether `bytes` hold exactly one JSON value (whitespace around it allowed).
    static func isOneValue(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var scanner = JournalLineScanner(bytes)
        scanner.skipWhitespace()
        guard (try? scanner.skipValue(depth: 0)) != nil else { return false }
        scanner.skipWhitespace()
        return scanner.position == bytes.count
    }

    /// The members of the JSON object `bytes` (a line's `params` or `value`), each key with
    /// where its value lies in `bytes`; nil when `bytes` is not an object.
    package static func members(of bytes: UnsafeBufferPointer<UInt8>) -> [(key: String, value: Range<Int>)]? {
        var members: [(key: String, value: Range<Int>)] = []
        let isObject = eachItem(of: bytes, open: UInt8(ascii: "{"), close: UInt8(ascii: "}")) { (scanner) throws(JournalSyntaxError) in
            let keyStart = scanner.position
            try scanner.expect(UInt8(ascii: "\""))
            _ = try scanner.stringContents()
            let key = JournalString.decode(UnsafeBufferPointer(rebasing: bytes[keyStart..<scanner.position]))
            scanner.skipWhitespace()
            try scanner.expect(UInt8(ascii: ":"))
            scanner.skipWhitespace()
            members.append((key ?? String(decoding: bytes[keyStart..<scanner.position], as: UTF8.self), try scanner.rawValue()))
        }
        return isObject ? members : nil
    }

    /// Where the elements of the JSON array `bytes` lie in it; nil when `bytes` is not an array.
    package static func elements(of bytes: UnsafeBufferPointer<UInt8>) -> [Range<Int>]? {
        var elements: [Range<Int>] = []
        let isArray = eachItem(of: bytes, open: UInt8(ascii: "["), close: UInt8(ascii: "]")) { (scanner) throws(JournalSyntaxError) in
            elements.append(try scanner.rawValue())
        }
        return isArray ? elements : nil
    }

    /// Steps through the object or array `bytes` (between `open` and `close`), `item` reading
    /// each member or element; false when `bytes` is not one.
    private static func eachItem(
        of bytes: UnsafeBufferPointer<UInt8>, open: UInt8, close: UInt8,
        _ item: (inout JournalLineScanner) throws(JournalSyntaxError) -> Void
    ) -> Bool {
        var scanner = JournalLineScanner(bytes)
        do {
            scanner.skipWhitespace()
            try scanner.expect(open)
            scanner.skipWhitespace()
            if scanner.peek() == close { return true }
            while true {
                scanner.skipWhitespace()
                try item(&scanner)
                scanner.skipWhitespace()
                guard scanner.peek() == UInt8(ascii: ",") else { break }
                scanner.position += 1
            }
            try scanner.expect(close)
        } catch {
            return false
        }
        return true
    }

    /// The `log` object of a line (where `JournalEntry.log` lies): spans of the rank's files,
    /// or paths of the task's own; nil when it is neither.
    static func taskLog(_ bytes: UnsafeBufferPointer<UInt8>) -> TaskLog? {
        guard let members = members(of: bytes),
            let out = members.first(where: { $0.key == "out" })?.value,
            let err = members.first(where: { $0.key == "err" })?.value
        else { return nil }
        if bytes[out.lowerBound] == UInt8(ascii: "\"") {
            guard let stdout = JournalString.decode(UnsafeBufferPointer(rebasing: bytes[out])),
                let stderr = JournalString.decode(UnsafeBufferPointer(rebasing: bytes[err]))
            else { return nil }
            return .taskFiles(stdout: stdout, stderr: stderr)
        }
        guard let stdout = span(UnsafeBufferPointer(rebasing: bytes[out])),
            let stderr = span(UnsafeBufferPointer(rebasing: bytes[err]))
        else { return nil }
        return .rankFiles(stdout: stdout, stderr: stderr)
    }

    /// `[offset,length]` or `[offset,length,dropped]`, non-negative integers.
    private static func span(_ bytes: UnsafeBufferPointer<UInt8>) -> LogSpan? {
        var scanner = JournalLineScanner(bytes)
        var numbers: [Int] = []
        do {
            try scanner.expect(UInt8(ascii: "["))
            while numbers.count < 3 {
                scanner.skipWhitespace()
                numbers.append(try scanner.integer(.log))
                scanner.skipWhitespace()
                guard scanner.peek() == UInt8(ascii: ",") else { break }
                scanner.position += 1
            }
            try scanner.expect(UInt8(ascii: "]"))
        } catch {
            return nil
        }
        guard scanner.position == bytes.count, numbers.count == 2 || numbers.count == 3, numbers.allSatisfy({ $0 >= 0 })
        else { return nil }
        return LogSpan(offset: numbers[0], length: numbers[1], dropped: numbers.count == 3 ? numbers[2] : 0)
    }

    private enum Field: Int, CaseIterable {
        case index, attempt, status, rank, slot, start, seconds, params, value, error, startedAt, exitCode, signal, log
        case cpuSeconds, maxRSSBytes, workerStartSeconds, part, sequence

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
            case .value: "value"
            case .error: "error"
            case .startedAt: "started_at"
            case .exitCode: "exit_code"
            case .signal: "signal"
            case .log: "log"
            case .cpuSeconds: "cpu_seconds"
            case .maxRSSBytes: "max_rss_bytes"
            case .workerStartSeconds: "worker_start_seconds"
            case .part: "part"
            case .sequence: "seq"
            }
        }

        var bit: UInt32 { 1 << UInt32(rawValue) }
        static let required: [Field] = [.index, .status, .seconds, .start, .rank, .slot]
    }

    private mutating func attempt() throws(JournalSyntaxError) -> JournalEntry {
        var result = JournalEntry()
        var seen: UInt32 = 0
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
            throw JournalSyntaxError(offset: 0, reason: "missing \"\(missing.key)\"")
        }
        return result
    }

    private mutating func read(
        _ field: Field, into result: inout JournalEntry, keyOffset: Int
    ) throws(JournalSyntaxError) {
        switch field {
        case .index: result.index = try integer(field)
        case .attempt: result.attempt = try integer(field)
        case .part: result.part = try integer(field)
        case .sequence: result.sequence = try integer(field)
        case .rank: result.rank = try integer(field)
        case .slot: result.slot = try integer(field)
        case .start: result.start = try time(field)
        case .seconds: result.seconds = try time(field)
        case .status: result.status = try status()
        case .params:
            result.params = try rawValue()
        case .value:
            result.value = try rawValue()
        case .error:
            let begin = position
            if try !null() {
                guard peek() == UInt8(ascii: "\"") else { throw fail("expected a string or null for \"error\"") }
                position += 1
                _ = try stringContents()
                result.error = begin..<position
            }
        case .startedAt: result.startedAt = try null() ? nil : try time(field)
        case .exitCode: result.exitCode = try null() ? nil : try integer(field)
        case .signal: result.signal = try null() ? nil : try integer(field)
        case .cpuSeconds: result.cpuSeconds = try null() ? nil : try time(field)
        case .maxRSSBytes: result.maxRSSBytes = try null() ? nil : try integer(field)
        case .workerStartSeconds: result.workerStartSeconds = try null() ? nil : try time(field)
        case .log:
            guard peek() == UInt8(ascii: "{") else { throw fail("expected an object for \"log\"") }
            result.log = try rawValue()
        }
    }

    /// Steps over `null` and returns true when it is next.
    private mutating func null() throws(JournalSyntaxError) -> Bool {
        guard peek() == UInt8(ascii: "n") else { return false }
        try literal("null")
        return true
    }

    private func field(named key: Range<Int>) -> Field? {
        Field.allCases.first { field in
            field.key.utf8CodeUnitCount == key.count
                && field.key.withUTF8Buffer { name in
                    name.elementsEqual(bytes[key])
                }
        }
    }

    private mutating func status() throws(JournalSyntaxError) -> TaskStatus {
        let begin = position
        try expect(UInt8(ascii: "\""))
        let text = try stringContents()
        for status in TaskStatus.allCases
        where status.description.utf8.elementsEqual(bytes[text]) {
            return status
        }
        throw JournalSyntaxError(offset: begin, reason: "unknown status (expected ok, failed, timeout, interrupted or cancelled)")
    }

    // MARK: Values

    /// Steps over one value and returns where it lies.
    private mutating func rawValue() throws(JournalSyntaxError) -> Range<Int> {
        let begin = position
        try skipValue(depth: 0)
        return begin..<position
    }

    private mutating func skipValue(depth: Int) throws(JournalSyntaxError) {
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

    private mutating func skipContainer(close: UInt8, keyed: Bool, depth: Int) throws(JournalSyntaxError) {
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
    private mutating func stringContents() throws(JournalSyntaxError) -> Range<Int> {
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

    private mutating func escape() throws(JournalSyntaxError) {
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

    private mutating func literal(_ word: StaticString) throws(JournalSyntaxError) {
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

    private mutating func numberText() throws(JournalSyntaxError) -> NumberText {
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

    private mutating func digits(into text: inout NumberText, fraction: Bool) throws(JournalSyntaxError) {
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

    private mutating func number(_ field: Field) throws(JournalSyntaxError) -> Double {
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

    /// Seconds (a duration, an offset or an epoch time): finite, under 10¹² in magnitude
    /// (31,000 years), so every reader can turn it into whole units without overflow.
    private mutating func time(_ field: Field) throws(JournalSyntaxError) -> Double {
        let begin = position
        let value = try number(field)
        guard value.isFinite, value.magnitude < 1e12 else {
            throw JournalSyntaxError(offset: begin, reason: "\"\(field.key)\" is out of range (seconds under 10^12 expected)")
        }
        return value
    }

    private mutating func integer(_ field: Field) throws(JournalSyntaxError) -> Int {
        let begin = position
        let value = try number(field)
        guard value == value.rounded(), abs(value) < 9e15 else {
            throw JournalSyntaxError(offset: begin, reason: "expected an integer for \"\(field.key)\"")
        }
        return Int(value)
    }

    // MARK: Bytes

    private func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func expect(_ byte: UInt8) throws(JournalSyntaxError) {
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

    private func fail(_ reason: String) -> JournalSyntaxError {
        JournalSyntaxError(offset: position, reason: position < bytes.count ? reason : reason + " (the line ends early)")
    }
}

extension UInt8 {
    fileprivate var isHexDigit: Bool {
        self &- UInt8(ascii: "0") < 10 || (self | 0x20) &- UInt8(ascii: "a") < 6
    }
}
