import Foundation

/// Where the parts of a JSON text lie, found without building its values: a list's items and
/// an object's members as byte ranges. A reader takes each value's own text (`2.50` stays
/// `2.50`, `true` stays `true`, an object stays the JSON it is) and can stop after as many
/// items as it wants, so a list far longer than it allows costs no memory per item beyond it.
package enum JSONExtents {
    /// The first `limit` items of the JSON list `bytes`, and whether more follow.
    package static func items(ofList bytes: [UInt8], limit: Int) throws(JSONExtentError) -> (items: [Range<Int>], more: Bool) {
        var cursor = Cursor(bytes: bytes, position: 0, end: bytes.count)
        try cursor.expect(UInt8(ascii: "["), "a JSON list")
        var items: [Range<Int>] = []
        cursor.skipWhitespace()
        if cursor.peek() == UInt8(ascii: "]") {
            cursor.position += 1
        } else {
            while true {
                guard items.count < limit else { return (items, true) }  // another item follows: not read
                items.append(try cursor.value())
                cursor.skipWhitespace()
                guard cursor.peek() == UInt8(ascii: ",") else { break }
                cursor.position += 1
            }
            try cursor.expect(UInt8(ascii: "]"), "',' or ']'")
        }
        cursor.skipWhitespace()
        guard cursor.position == bytes.count else { throw cursor.failure("text after the list") }
        return (items, false)
    }

    /// The members of the JSON object at `range` of `bytes`, each key decoded with where its
    /// value lies; nil when the value there is not an object.
    package static func members(ofObject bytes: [UInt8], in range: Range<Int>) throws(JSONExtentError) -> [(key: String, value: Range<Int>)]? {
        var cursor = Cursor(bytes: bytes, position: range.lowerBound, end: range.upperBound)
        cursor.skipWhitespace()
        guard cursor.peek() == UInt8(ascii: "{") else { return nil }
        cursor.position += 1
        var members: [(key: String, value: Range<Int>)] = []
        cursor.skipWhitespace()
        if cursor.peek() == UInt8(ascii: "}") { return members }
        while true {
            cursor.skipWhitespace()
            let keyStart = cursor.position
            try cursor.expect(UInt8(ascii: "\""), "a key in quotes")
            cursor.position = keyStart
            try cursor.skipString()
            let key = text(of: bytes, in: keyStart..<cursor.position)
            try cursor.expect(UInt8(ascii: ":"), "':'")
            members.append((key, try cursor.value()))
            cursor.skipWhitespace()
            guard cursor.peek() == UInt8(ascii: ",") else { break }
            cursor.position += 1
        }
        try cursor.expect(UInt8(ascii: "}"), "',' or '}'")
        return members
    }

    /// The text of the JSON value at `range`: a string's contents, decoded; any other value's
    /// own JSON text (`2.50`, `true`, `null`, `{"a": 1}`).
    package static func text(of bytes: [UInt8], in range: Range<Int>) -> String {
        let raw = Data(bytes[range])
        if bytes[range].first == UInt8(ascii: "\""),
            let decoded = (try? JSONSerialization.jsonObject(with: raw, options: .fragmentsAllowed)) as? String
        {
            return decoded
        }
        return String(decoding: raw, as: UTF8.self)
    }

    /// A reading position in `bytes[..<end]`.
    private struct Cursor {
        let bytes: [UInt8]
        var position: Int
        let end: Int

        func peek() -> UInt8? { position < end ? bytes[position] : nil }

        func failure(_ reason: String) -> JSONExtentError { JSONExtentError(offset: position, reason: reason) }

        mutating func skipWhitespace() {
            while let byte = peek(), byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { position += 1 }
        }

        mutating func expect(_ byte: UInt8, _ what: String) throws(JSONExtentError) {
            skipWhitespace()
            guard peek() == byte else { throw failure("expected \(what)") }
            position += 1
        }

        /// Steps over a string whose opening quote is next.
        mutating func skipString() throws(JSONExtentError) {
            position += 1
            while let byte = peek() {
                position += 1
                if byte == UInt8(ascii: "\\") {
                    position += 1
                } else if byte == UInt8(ascii: "\"") {
                    return
                }
            }
            throw failure("a string does not end")
        }

        /// Steps over one value (after any whitespace); returns where it lies. Brackets must
        /// match; a value that is neither a string, a list nor an object must be `true`,
        /// `false`, `null` or a number (inside a list or object only the brackets are checked).
        mutating func value() throws(JSONExtentError) -> Range<Int> {
            skipWhitespace()
            let start = position
            var closers: [UInt8] = []
            repeat {
                guard let byte = peek() else { throw failure(closers.isEmpty ? "a value is missing" : "a list or object does not end") }
                switch byte {
                case UInt8(ascii: "\""): try skipString()
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    closers.append(byte + 2)  // '}' and ']' are 2 after '{' and '['
                    position += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    guard closers.last == byte else { throw failure("unexpected '\(Character(Unicode.Scalar(byte)))'") }
                    closers.removeLast()
                    position += 1
                default:
                    guard !closers.isEmpty else { return try scalar() }
                    position += 1
                }
            } while !closers.isEmpty
            return start..<position
        }

        /// Steps over a scalar other than a string.
        private mutating func scalar() throws(JSONExtentError) -> Range<Int> {
            let start = position
            while let byte = peek(), !Self.delimiters.contains(byte) { position += 1 }
            let text = String(decoding: bytes[start..<position], as: UTF8.self)
            let isNumber = text.first.map { $0 == "-" || $0.isASCII && $0.isNumber } == true && Double(text) != nil
            guard isNumber || ["true", "false", "null"].contains(text) else {
                position = start
                throw failure(text.isEmpty ? "a value is missing" : "'\(text)' is not a JSON value")
            }
            return start..<position
        }

        private static let delimiters: Set<UInt8> = [0x20, 0x0A, 0x0D, 0x09, UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}")]
    }
}

/// A JSON text that is not what was expected, at a byte offset.
package struct JSONExtentError: Error, Sendable {
    /// Where, from the start of the text.
    package let offset: Int
    /// What is wrong.
    package let reason: String
}
