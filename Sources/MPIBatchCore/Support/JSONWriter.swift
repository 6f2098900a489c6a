/// Writes JSON straight into bytes, with no intermediate objects: the journal
/// writes one line per task, so this is on the hot path, and inlinable: its writers are
/// in other targets.
///
/// Commas are placed automatically: call `key` then a value inside objects,
/// values one after another inside arrays.
public struct JSONWriter: Sendable {
    /// The JSON written so far, as UTF-8.
    @inlinable public var bytes: [UInt8] { written }
    @usableFromInline var written: [UInt8] = []
    @usableFromInline var needsComma = false

    /// An empty writer.
    @inlinable public init(capacity: Int = 256) { written.reserveCapacity(capacity) }

    /// Forgets what was written, keeping the storage.
    @inlinable public mutating func reset() {
        written.removeAll(keepingCapacity: true)
        needsComma = false
    }

    /// The JSON written so far, as a string.
    @inlinable public var string: String { String(decoding: bytes, as: UTF8.self) }

    @inlinable mutating func separate() {
        if needsComma { written.append(UInt8(ascii: ",")) }
    }

    /// `{`
    @inlinable public mutating func beginObject() {
        separate()
        written.append(UInt8(ascii: "{"))
        needsComma = false
    }

    /// `}`
    @inlinable public mutating func endObject() {
        written.append(UInt8(ascii: "}"))
        needsComma = true
    }

    /// `[`
    @inlinable public mutating func beginArray() {
        separate()
        written.append(UInt8(ascii: "["))
        needsComma = false
    }

    /// `]`
    @inlinable public mutating func endArray() {
        written.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// `"name":` — the next value is this key's.
    @inlinable public mutating func key(_ name: String) {
        separate()
        writeQuoted(name)
        written.append(UInt8(ascii: ":"))
        needsComma = false
    }

    /// A key as `quotedKey(_:)` wrote it once (`"name":`), for a caller that writes it on every line.
    @inlinable public mutating func key(quoted bytes: [UInt8]) {
        separate()
        written.append(contentsOf: bytes)
        needsComma = false
    }

    /// `name` as `key(_:)` writes it, for `key(quoted:)`.
    public static func quotedKey(_ name: String) -> [UInt8] {
        var writer = JSONWriter(capacity: name.utf8.count + 3)
        writer.key(name)
        return writer.bytes
    }

    /// `"key":"string"`.
    @inlinable public mutating func field(_ key: String, _ string: String) {
        self.key(key)
        value(string)
    }

    /// `"key":integer`.
    @inlinable public mutating func field(_ key: String, _ integer: Int) {
        self.key(key)
        value(integer)
    }

    /// `"key":number`.
    @inlinable public mutating func field(_ key: String, _ number: Double) {
        self.key(key)
        value(number)
    }

    /// `"key":true` or `false`.
    @inlinable public mutating func field(_ key: String, _ flag: Bool) {
        self.key(key)
        value(flag)
    }

    /// A string, escaped.
    @inlinable public mutating func value(_ string: String) {
        separate()
        writeQuoted(string)
        needsComma = true
    }

    /// An integer.
    @inlinable public mutating func value(_ integer: Int) {
        writeNumber { $0.integer(integer) }
    }

    /// A number; NaN and infinities, which JSON lacks, are written as `null` (see `JSONPieces.double`).
    @inlinable public mutating func value(_ number: Double) {
        writeNumber { $0.double(number) }
    }

    /// `true` or `false`.
    @inlinable public mutating func value(_ flag: Bool) {
        separate()
        written.append(contentsOf: (flag ? "true" : "false").utf8)
        needsComma = true
    }

    /// `null`.
    @inlinable public mutating func null() {
        separate()
        StaticString("null").withUTF8Buffer { written.append(contentsOf: $0) }
        needsComma = true
    }

    /// A JSON document written as it is (it must already be valid JSON).
    @inlinable public mutating func raw(_ json: String) {
        separate()
        written.append(contentsOf: json.utf8)
        needsComma = true
    }

    /// A JSON value written elsewhere (valid JSON, e.g. another writer's finished array).
    @inlinable public mutating func value(json: [UInt8]) {
        separate()
        written.append(contentsOf: json)
        needsComma = true
    }

    /// Members of an object written elsewhere (`"a":1,"b":2`, without braces), spliced into the open object.
    @inlinable public mutating func members(_ json: [UInt8]) {
        guard !json.isEmpty else { return }
        separate()
        written.append(contentsOf: json)
        needsComma = true
    }

    /// The members of the object this writer holds (its bytes without the outer braces).
    @inlinable public var objectMembers: [UInt8] {
        guard bytes.count >= 2, bytes.first == UInt8(ascii: "{"), bytes.last == UInt8(ascii: "}") else { return [] }
        return Array(bytes[1..<(bytes.count - 1)])
    }

    /// A fixed piece of JSON that ends where a value must follow, e.g. `,"seconds":`
    /// (written as it is: the caller keeps it valid).
    @inlinable public mutating func fragment(_ text: StaticString) {
        text.withUTF8Buffer { written.append(contentsOf: $0) }
        needsComma = false
    }

    /// A non-negative number with up to 9 decimals, in fixed point (`0.000000187`,
    /// `12.5`): faster than shortest round-trip, and exact to the nanosecond for durations.
    @inlinable public mutating func fixedPoint(_ number: Double) {
        writeNumber { $0.fixedPoint(number) }
    }

    /// A Unix time in fixed point to the microsecond (`1796175893.601282`), the precision a
    /// double keeps for it.
    @inlinable public mutating func epochSeconds(_ seconds: Double) {
        writeNumber { $0.epochSeconds(seconds) }
    }

    /// A number that `write` puts in pieces, as a value.
    @inlinable mutating func writeNumber(_ write: (inout JSONPieces) -> Void) {
        separate()
        appendPieces(capacity: JSONPieces.maximumNumberBytes, write)
        needsComma = true
    }

    /// A raw newline, between the lines of a JSON Lines file.
    @inlinable public mutating func newline() {
        written.append(UInt8(ascii: "\n"))
        needsComma = false
    }

    @inlinable mutating func writeQuoted(_ string: String) {
        written.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): written.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): written.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\n"): written.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): written.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case UInt8(ascii: "\t"): written.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                written.append(contentsOf: [
                    UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                    hex[Int(byte >> 4)], hex[Int(byte & 0xF)],
                ])
            default: written.append(byte)
            }
        }
        written.append(UInt8(ascii: "\""))
    }
}
