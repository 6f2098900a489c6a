#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the timeline draws: the spans of every slot and the params and errors of those
/// that stand for one attempt.
struct TimelineContent {
    /// The spans, at most `limits.maximumEvents` of them.
    var spans: TimelineSpans
    /// Params and errors: of every attempt up to the cap on bars, of failures beyond it.
    var details: TimelineDetails
}

/// Streams `results.jsonl` into `TimelineContent`, one buffer at a time: no line is kept
/// once read, only its span.
enum TimelineReader {
    private static let bufferSize = 1 << 22

    /// Reads the journal at `path`. A last line without its newline that does not parse
    /// (a run killed while writing it) is ignored; any other bad line is an error.
    static func read(path: String, limits: TimelineLimits) throws(TimelineError) -> TimelineContent {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw TimelineError(path: path, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var content = TimelineContent(
            spans: TimelineSpans(budget: limits.spanBudget),
            details: TimelineDetails(lineLimit: limits.detailBytesPerAttempt, totalLimit: limits.detailBytes))
        var buffer = [UInt8](repeating: 0, count: bufferSize)
        var filled = 0
        var lineNumber = 0
        while true {
            if filled == buffer.count { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
            let received = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress! + filled, $0.count - filled) }
            if received < 0 {
                if errno == EINTR { continue }
                throw TimelineError(path: path, reason: "read: " + String(cString: strerror(errno)))
            }
            let atEnd = received == 0
            filled += received
            let consumed = try buffer.withUnsafeBufferPointer { (bytes) throws(TimelineError) -> Int in
                try addLines(
                    UnsafeBufferPointer(rebasing: bytes[..<filled]), finalLine: atEnd, to: &content, limits: limits,
                    path: path, lineNumber: &lineNumber)
            }
            if atEnd { break }
            buffer.withUnsafeMutableBytes { bytes in
                _ = memmove(bytes.baseAddress!, bytes.baseAddress! + consumed, filled - consumed)
            }
            filled -= consumed
        }
        content.spans.limit(to: limits.maximumEvents)
        return content
    }

    /// Adds every complete line of `bytes` (and, with `finalLine`, the unterminated rest);
    /// returns how many bytes were used.
    private static func addLines(
        _ bytes: UnsafeBufferPointer<UInt8>, finalLine: Bool, to content: inout TimelineContent,
        limits: TimelineLimits, path: String, lineNumber: inout Int
    ) throws(TimelineError) -> Int {
        var lineStart = 0
        let base = bytes.baseAddress!
        while lineStart < bytes.count {
            let newline = memchr(base + lineStart, Int32(UInt8(ascii: "\n")), bytes.count - lineStart)
            let lineEnd: Int
            if let newline {
                lineEnd = base.distance(to: newline.assumingMemoryBound(to: UInt8.self))
            } else if finalLine {
                lineEnd = bytes.count
            } else {
                break
            }
            lineNumber += 1
            let line = UnsafeBufferPointer(rebasing: bytes[lineStart..<lineEnd])
            lineStart = lineEnd + 1
            guard !line.isEmpty else { continue }
            do {
                add(try TimelineLineScanner.scan(line), line: line, to: &content, limits: limits)
            } catch {
                if newline == nil { break }
                throw TimelineError(path: path, line: lineNumber, column: error.offset + 1, reason: error.reason)
            }
        }
        return min(lineStart, bytes.count)
    }

    private static func add(
        _ attempt: TimelineAttempt, line: UnsafeBufferPointer<UInt8>, to content: inout TimelineContent,
        limits: TimelineLimits
    ) {
        // Beyond the cap, ok attempts will be merged: only failures' params and errors are worth keeping.
        let detail =
            content.spans.attempts < limits.maximumEvents || attempt.status != .ok
            ? content.details.store(attempt, line: line) : -1
        content.spans.add(TimelineSpan(attempt, detail: detail), rank: attempt.rank, slot: attempt.slot)
    }
}
