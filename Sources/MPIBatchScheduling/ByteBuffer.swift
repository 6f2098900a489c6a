/// Appends little-endian scalars and length-prefixed strings to bytes: the
/// wire format of runtime messages (small binary records, never JSON).
struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 64) { bytes.reserveCapacity(capacity) }

    mutating func write(_ value: UInt8) { bytes.append(value) }

    mutating func write(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func write(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func write(_ value: Int) { write(UInt64(bitPattern: Int64(value))) }

    mutating func write(_ value: Double) { write(value.bitPattern) }

    mutating func write(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            write(UInt32(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }
}

/// Reads what `ByteWriter` wrote; every read checks the length and throws
/// `MessageDecodingError` rather than trap on a short or corrupt message.
struct ByteReader {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { offset == bytes.count }

    private mutating func take(_ count: Int) throws(MessageDecodingError) -> Range<Int> {
        guard count >= 0, bytes.count - offset >= count else {
            throw MessageDecodingError(reason: "message ends after \(bytes.count) bytes, needed \(offset + count)")
        }
        defer { offset += count }
        return offset..<(offset + count)
    }

    mutating func readByte() throws(MessageDecodingError) -> UInt8 { bytes[try take(1).lowerBound] }

    mutating func readUInt32() throws(MessageDecodingError) -> UInt32 {
        let range = try take(4)
        return bytes.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: range.lowerBound, as: UInt32.self)) }
    }

    mutating func readUInt64() throws(MessageDecodingError) -> UInt64 {
        let range = try take(8)
        return bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: range.lowerBound, as: UInt64.self)) }
    }

    mutating func readInt() throws(MessageDecodingError) -> Int { Int(Int64(bitPattern: try readUInt64())) }

    mutating func readDouble() throws(MessageDecodingError) -> Double { Double(bitPattern: try readUInt64()) }

    mutating func readString() throws(MessageDecodingError) -> String {
        let count = Int(try readUInt32())
        let range = try take(count)
        return String(decoding: bytes[range], as: UTF8.self)
    }
}

/// A runtime message that could not be decoded: a bug or a mismatched binary, never user input.
public struct MessageDecodingError: Error, Sendable, CustomStringConvertible {
    /// What was wrong with the bytes.
    public let reason: String
    /// `malformed runtime message: …`.
    public var description: String { "malformed runtime message: \(reason)" }
}
