/// The frames of the worker protocol (`docs/worker-protocol.md`): a 4-byte little-endian
/// length N, then N bytes: a type byte and the payload.
enum WorkerFrame {
    /// The type byte.
    enum Kind: UInt8, Sendable {
        /// A UTF-8 JSON object with a `"kind"` member.
        case json = 1
        /// Raw little-endian IEEE-754 float64 values, announced by the result before it
        /// (`"float64": n`): a Monte Carlo block's path values.
        case float64 = 2
    }

    /// The length field's bytes.
    static let lengthBytes = 4
    /// The largest N (type byte and payload) either side may send.
    static let maximumLength = 1 << 30

    /// A JSON frame holding `payload`.
    static func json(_ payload: [UInt8]) -> [UInt8] {
        var frame: [UInt8] = []
        frame.reserveCapacity(lengthBytes + 1 + payload.count)
        append(json: payload, to: &frame)
        return frame
    }

    /// Appends a JSON frame holding `payload` to `bytes`.
    static func append(json payload: [UInt8], to bytes: inout [UInt8]) {
        withUnsafeBytes(of: UInt32(payload.count + 1).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(Kind.json.rawValue)
        bytes.append(contentsOf: payload)
    }
}

extension WorkerFrame {
    /// The values of a float64 frame's payload `bytes` (8 a value, little-endian; whole values
    /// only). On a little-endian machine the bytes are the values: one copy (a block of 65,536
    /// values value by value cost the rank as much as folding them into its accumulator).
    static func float64s(_ bytes: UnsafeRawBufferPointer) -> [Double] {
        let count = bytes.count / 8
        #if _endian(little)
        return [Double](unsafeUninitializedCapacity: count) { values, initialized in
            UnsafeMutableRawBufferPointer(values).copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[..<(count * 8)]))
            initialized = count
        }
        #else
        return (0..<count).map { Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self))) }
        #endif
    }
}

/// Cuts the bytes read from a worker into frames, however the reads split them. Reads land
/// in the reader's own buffer (`receive`), with room made for the whole frame being read
/// once its length is known: a block's 512 KB of float64 values are copied once, by the
/// kernel, on their way to the frame that `next` gives out.
struct WorkerFrameReader {
    /// `buffer[start..<end]` holds the bytes read and not yet taken (`start` is where the next
    /// frame begins); the rest of `buffer` is room for the next read.
    private var buffer: [UInt8] = []
    private var start = 0
    private var end = 0

    /// The least room a read is given.
    static let readBytes = 1 << 16

    /// Reads into the buffer's room with `read`, which returns a byte count as `recv` does
    /// (0 at the end of the stream, -1 with `errno` set); returns what `read` returned.
    mutating func receive(_ read: (UnsafeMutableRawBufferPointer) -> Int) -> Int {
        makeRoom()
        let count = buffer.withUnsafeMutableBytes { read(UnsafeMutableRawBufferPointer(rebasing: $0[end...])) }
        if count > 0 { end += count }
        return count
    }

    /// Room after `end` for the rest of the frame being read (its length known once its first
    /// 4 bytes are in), and for `readBytes` at least: the unread bytes move to the front
    /// first when that leaves enough room, else the buffer grows.
    private mutating func makeRoom() {
        if start == end {
            start = 0
            end = 0
        }
        var wanted = Self.readBytes
        if end - start >= WorkerFrame.lengthBytes {
            let length = buffer.withUnsafeBytes { Int(UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: start, as: UInt32.self))) }
            if length <= WorkerFrame.maximumLength { wanted = max(wanted, WorkerFrame.lengthBytes + length - (end - start)) }
        }
        guard buffer.count - end < wanted else { return }
        if start > 0, buffer.count - (end - start) >= wanted {
            buffer.withUnsafeMutableBytes { bytes in
                bytes.baseAddress!.copyMemory(from: bytes.baseAddress! + start, byteCount: end - start)
            }
            end -= start
            start = 0
            return
        }
        buffer.append(contentsOf: repeatElement(0, count: wanted - (buffer.count - end)))
    }

    /// Whether bytes of an unfinished frame are waiting.
    var hasPartialFrame: Bool { start < end }

    /// The next whole frame's type and payload, or nil until more bytes come; a length out
    /// of range or an unknown type byte is a protocol error.
    mutating func next() throws(WorkerProtocolError) -> (kind: WorkerFrame.Kind, payload: ArraySlice<UInt8>)? {
        let available = end - start
        guard available >= WorkerFrame.lengthBytes else { return nil }
        let length = buffer.withUnsafeBytes { Int(UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: start, as: UInt32.self))) }
        guard length >= 1, length <= WorkerFrame.maximumLength else {
            throw .badFrame("a frame length of \(length) bytes (allowed: 1 to \(WorkerFrame.maximumLength))" + Self.preview(buffer[start..<end]))
        }
        guard available >= WorkerFrame.lengthBytes + length else { return nil }
        let typeAt = start + WorkerFrame.lengthBytes
        guard let kind = WorkerFrame.Kind(rawValue: buffer[typeAt]) else {
            throw .badFrame("a frame of unknown type \(buffer[typeAt])" + Self.preview(buffer[start..<end]))
        }
        let payload = buffer[(typeAt + 1)..<(typeAt + length)]
        start = typeAt + length
        return (kind, payload)
    }

    /// `: it began "..."`, the first bytes as text, to recognise what the worker wrote.
    private static func preview(_ bytes: ArraySlice<UInt8>) -> String {
        let text = String(decoding: bytes.prefix(40), as: UTF8.self).unicodeScalars
            .map { $0.value >= 0x20 && $0.value < 0x7F ? String($0) : "." }.joined()
        return ": it began \"\(text)\""
    }
}
