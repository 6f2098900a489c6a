import MPIBatchCore

extension TaskValue {
    /// The value as the journal keeps it, on one line: a `.json` document loses the
    /// whitespace outside its strings (a pretty-printed result would otherwise break the
    /// journal's one-line-per-attempt form), and text that is not one JSON value is kept as
    /// a string instead. Every other case is one line already.
    package var journalForm: TaskValue {
        guard case .json(let document) = self else { return self }
        let bytes = Array(document.utf8)
        let isValue = bytes.withUnsafeBufferPointer { JournalLineScanner.isOneValue($0) }
        guard isValue else { return .text(document) }
        var compact: [UInt8] = []
        compact.reserveCapacity(bytes.count)
        var inString = false
        var escaped = false
        for byte in bytes {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            } else if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
                || byte == UInt8(ascii: "\t")
            {
                continue
            }
            compact.append(byte)
        }
        return .json(String(decoding: compact, as: UTF8.self))
    }

    /// The value of a journal line's `value` field, read so that writing it again gives the
    /// same bytes: numbers round-trip exactly (`Double(String)`, never `JSONSerialization`,
    /// which reads some doubles 1 ulp off), and whatever the writer would not reproduce
    /// byte for byte is kept as the JSON text it is.
    package init(journalBytes raw: UnsafeBufferPointer<UInt8>) {
        let text = String(decoding: raw, as: UTF8.self)
        let candidate: TaskValue? =
            switch raw.first {
            case UInt8(ascii: "n"): text == "null" ? TaskValue.none : nil
            case UInt8(ascii: "\""): JournalString.decode(raw).map { .text($0) }
            case UInt8(ascii: "["): Self.numbers(in: text).map { .numbers($0) }
            default: Double(text).map { .number($0) }
            }
        guard let candidate else {
            self = .json(text)
            return
        }
        var json = JSONWriter(capacity: raw.count + 8)
        candidate.write(to: &json)
        self = json.bytes.elementsEqual(raw) ? candidate : .json(text)
    }

    /// `[1.5,2.0]` as numbers; nil when any element is not a number.
    private static func numbers(in text: String) -> [Double]? {
        guard text.hasSuffix("]") else { return nil }
        let inner = text.dropFirst().dropLast()
        guard !inner.isEmpty else { return [] }
        var numbers: [Double] = []
        for element in inner.split(separator: ",", omittingEmptySubsequences: false) {
            guard let number = Double(element) else { return nil }
            numbers.append(number)
        }
        return numbers
    }
}

/// Decodes the JSON strings the journal writer makes (`JSONWriter`'s escapes only).
package enum JournalString {
    /// The text of the quoted string `raw`, or nil when it holds an escape the writer never makes.
    package static func decode(_ raw: UnsafeBufferPointer<UInt8>) -> String? {
        guard raw.count >= 2, raw.last == UInt8(ascii: "\"") else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(raw.count)
        var position = 1
        let end = raw.count - 1
        while position < end {
            let byte = raw[position]
            position += 1
            guard byte == UInt8(ascii: "\\") else {
                bytes.append(byte)
                continue
            }
            guard position < end else { return nil }
            let escape = raw[position]
            position += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(escape)
            case UInt8(ascii: "n"): bytes.append(UInt8(ascii: "\n"))
            case UInt8(ascii: "r"): bytes.append(UInt8(ascii: "\r"))
            case UInt8(ascii: "t"): bytes.append(UInt8(ascii: "\t"))
            case UInt8(ascii: "u"):
                guard position + 4 <= end,
                    let code = UInt8(String(decoding: raw[(position + 2)..<(position + 4)], as: UTF8.self), radix: 16),
                    raw[position] == UInt8(ascii: "0"), raw[position + 1] == UInt8(ascii: "0")
                else { return nil }
                bytes.append(code)
                position += 4
            default: return nil
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
