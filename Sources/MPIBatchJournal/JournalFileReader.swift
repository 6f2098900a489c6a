import MPIBatchCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SystemPackage

/// Streams a `results.jsonl` file line by line, a few MiB at a time: no line is kept once
/// its handler returned, so reading a journal of any size takes bounded memory.
///
/// Every complete line is parsed by `JournalLineScanner`; a line that does not parse is an
/// error naming its line and column. A last line without its newline is the write a killed
/// run did not finish: it is never handed to the handler, and `JournalTail` says where it is.
package struct JournalFileReader {
    /// Where the journal's good part ends, and what follows it.
    package struct JournalTail {
        /// Bytes from the start of the file to the end of its last complete line.
        var validLength: Int
        /// The bytes after it (a torn last line), at most `JournalFileReader.tornSampleLimit` of them.
        var tornSample: [UInt8]
        /// How many bytes follow the last complete line.
        var tornLength: Int
        /// Complete lines read.
        var lines: Int

        /// Whether what follows the last complete line is the start of a journal line
        /// (what a write cut short leaves), and so may be cut off safely.
        var isTornJournalLine: Bool {
            tornLength == 0 || tornSample.starts(with: JournalLine.prefix)
        }
    }

    /// One complete line, as the handler gets it.
    package struct Line {
        /// The parsed fields.
        package var entry: JournalEntry
        /// The line's bytes, without its newline; valid only during the handler.
        package var bytes: UnsafeBufferPointer<UInt8>
        /// 1-based.
        var number: Int
        /// Where the line starts in the file.
        var offset: Int
        /// Which file of the journal it is in (an index into `JournalShards.shards`).
        var shard = 0
        /// Its place in journal order within its index (`JournalOrder`), set by `JournalShards.read`.
        var order: UInt64 = 0
    }

    static let tornSampleLimit = 64
    private static let bufferSize = 1 << 22

    /// Calls `handle` for every complete line of the journal at `path`, in file order.
    /// A missing file is an error.
    package static func read(
        path: String, _ handle: (Line) throws(RunFileError) -> Void
    ) throws(RunFileError) -> JournalTail {
        let descriptor = try openForReading(path)
        defer { try? descriptor.close() }
        var buffer = [UInt8](repeating: 0, count: bufferSize)
        var filled = 0
        var offset = 0  // of buffer[0] in the file
        var lines = 0
        while true {
            if filled == buffer.count { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
            let received: Int
            do {
                received = try buffer.withUnsafeMutableBytes {
                    try descriptor.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[filled...]))  // EINTR retried
                }
            } catch {
                throw RunFileError(path: path, reason: "read: \(error)")
            }
            if received == 0 {
                let torn = Array(buffer[0..<min(filled, tornSampleLimit)])
                return JournalTail(validLength: offset, tornSample: torn, tornLength: filled, lines: lines)
            }
            filled += received
            let consumed = try buffer.withUnsafeBufferPointer { (bytes) throws(RunFileError) -> Int in
                try completeLines(
                    of: UnsafeBufferPointer(rebasing: bytes[..<filled]), at: offset, path: path, lines: &lines, handle)
            }
            buffer.withUnsafeMutableBytes { bytes in
                _ = memmove(bytes.baseAddress!, bytes.baseAddress! + consumed, filled - consumed)
            }
            filled -= consumed
            offset += consumed
        }
    }

    /// Hands every newline-terminated line of `bytes`, which start at `offset` in the file,
    /// to `handle`; returns the bytes used.
    private static func completeLines(
        of bytes: UnsafeBufferPointer<UInt8>, at offset: Int, path: String, lines: inout Int,
        _ handle: (Line) throws(RunFileError) -> Void
    ) throws(RunFileError) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        var lineStart = 0
        while lineStart < bytes.count,
            let newline = memchr(base + lineStart, Int32(UInt8(ascii: "\n")), bytes.count - lineStart)
        {
            let lineEnd = base.distance(to: newline.assumingMemoryBound(to: UInt8.self))
            lines += 1
            let line = UnsafeBufferPointer(rebasing: bytes[lineStart..<lineEnd])
            let lineOffset = offset + lineStart
            lineStart = lineEnd + 1
            let entry: JournalEntry
            do {
                entry = try JournalLineScanner.scan(line)
            } catch {
                throw RunFileError(path: path, line: lines, column: error.offset + 1, reason: error.reason)
            }
            try handle(Line(entry: entry, bytes: line, number: lines, offset: lineOffset))
        }
        return lineStart
    }

    /// Why `open` failed, in words a user can act on.
    /// Opens `path` to read, never through a symbolic link; the error says what went wrong in words.
    static func openForReading(_ path: String) throws(RunFileError) -> FileDescriptor {
        do {
            return try FileDescriptor.open(path, .readOnly, options: [.closeOnExec, .noFollow])
        } catch {
            throw RunFileError(path: path, reason: openFailure((error as? Errno)?.rawValue ?? EIO))
        }
    }

    static func openFailure(_ code: Int32) -> String {
        switch code {
        case ENOENT: "no such file (is this a run's output directory?)"
        case ELOOP: "is a symbolic link; mpibatch neither reads nor writes its outputs through one"
        default: "open: " + String(cString: strerror(code))
        }
    }
}
