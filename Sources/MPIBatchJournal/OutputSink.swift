import Foundation
import MPIBatchCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `mpibatch results` prints, written a MiB at a time. A reader that went away (EPIPE:
/// `| head` with SIGPIPE ignored) ends the writing: `flush` then throws and `closed` says
/// why, so the caller stops reading the journal and returns quietly, with no error per line.
struct OutputSink {
    private let output: FileHandle
    private var buffer: [UInt8] = []
    /// Whether the reader went away.
    private(set) var closed = false
    /// Bytes written at once.
    static let flushBytes = 1 << 20

    /// A sink writing to `output`.
    init(_ output: FileHandle) {
        self.output = output
        buffer.reserveCapacity(Self.flushBytes + (1 << 16))
    }

    /// Adds `bytes` to what goes out next.
    mutating func append(_ bytes: some Sequence<UInt8>) { buffer.append(contentsOf: bytes) }

    /// Adds one byte to what goes out next.
    mutating func append(_ byte: UInt8) { buffer.append(byte) }

    /// Writes what was added once it is a MiB (or at all, with `force`).
    mutating func flush(force: Bool) throws(RunFileError) {
        guard !buffer.isEmpty, force || buffer.count >= Self.flushBytes else { return }
        let descriptor = output.fileDescriptor
        var done = 0
        while done < buffer.count {
            let written = buffer.withUnsafeBytes { write(descriptor, $0.baseAddress! + done, $0.count - done) }
            guard written >= 0 else {
                let code = errno
                guard code != EINTR else { continue }
                closed = code == EPIPE
                throw RunFileError(path: "standard output", reason: "write: " + String(cString: strerror(code)))
            }
            done += written
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
