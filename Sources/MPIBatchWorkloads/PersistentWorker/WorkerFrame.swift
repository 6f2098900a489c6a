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
    /// The values of a float64 frame's payload; nil when its size is not 8 × `count`. On a
    /// little-endian machine the bytes are the values: one copy (a block of 65,536 values
    /// value by value cost the rank as much as folding them into its accumulator).
    static func float64s(_ payload: ArraySlice<UInt8>, count: Int) -> [Double]? {
        guard payload.count == count * 8 else { return nil }
        return payload.withUnsafeBytes { bytes in
            #if _endian(little)
            [Double](unsafeUninitializedCapacity: count) { values, initialized in
                UnsafeMutableRawBufferPointer(values).copyMemory(from: bytes)
                initialized = count
            }
            #else
            (0..<count).map { Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self))) }
            #endif
        }
    }
}

/// Cuts the bytes read from a worker into frames, however the reads split them.
struct WorkerFrameReader {
    /// Bytes read and not yet taken; `start` is where the next frame begins.
    private var buffer: [UInt8] = []
    private var start = 0

    /// Adds bytes just read.
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        if start > 0, start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        } else if start > 1 << 16, start * 2 > buffer.count {
            buffer.removeSubrange(0..<start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// Whether bytes of an unfinished frame are waiting.
    var hasPartialFrame: Bool { start < buffer.count }

    /// The next whole frame's type and payload, or nil until more bytes come; a length out
    /// of range or an unknown type byte is a protocol error.
    mutating func next() throws(WorkerProtocolError) -> (kind: WorkerFrame.Kind, payload: ArraySlice<UInt8>)? {
        let available = buffer.count - start
        guard available >= WorkerFrame.lengthBytes else { return nil }
        let length = buffer.withUnsafeBytes { Int(UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: start, as: UInt32.self))) }
        guard length >= 1, length <= WorkerFrame.maximumLength else {
            throw .badFrame("a frame length of \(length) bytes (allowed: 1 to \(WorkerFrame.maximumLength))" + Self.preview(buffer[start...]))
        }
        guard available >= WorkerFrame.lengthBytes + length else { return nil }
        let typeAt = start + WorkerFrame.lengthBytes
        guard let kind = WorkerFrame.Kind(rawValue: buffer[typeAt]) else {
            throw .badFrame("a frame of unknown type \(buffer[typeAt])" + Self.preview(buffer[start...]))
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
