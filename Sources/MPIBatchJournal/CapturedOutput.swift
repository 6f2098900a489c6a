/// One stream (stdout or stderr) of a command task, kept in the rank's memory until the
/// task ends: all of it up to `limit` bytes; past that, the first half of `limit` and the
/// last half, with a count of the bytes dropped between them. A task that prints a
/// gigabyte costs the rank `limit` bytes of memory and its log file `limit` bytes of disk.
package struct CapturedOutput: Sendable {
    /// `max_output:`, in bytes.
    let limit: Int
    /// The first bytes, up to `headLimit`.
    private var head: [UInt8] = []
    /// The last bytes beyond the head, as a ring of `limit - headLimit` bytes (allocated once the head is full).
    private var ring: [UInt8] = []
    /// Where the next byte goes in `ring`.
    private var ringEnd = 0
    /// Bytes seen beyond the head, kept or not.
    private var overflow = 0

    /// Keeps up to `limit` bytes (at least 2).
    package init(limit: Int) {
        self.limit = max(2, limit)
    }

    private var headLimit: Int { limit / 2 }
    private var ringLimit: Int { limit - headLimit }

    /// Bytes the task printed that are not kept.
    package var dropped: Int { max(0, overflow - ringLimit) }

    /// Bytes kept (no more than `limit`).
    package var count: Int { head.count + min(overflow, ringLimit) }

    /// Whether nothing was printed.
    package var isEmpty: Bool { head.isEmpty }

    /// Takes the next bytes the task printed.
    package mutating func append(_ bytes: UnsafeRawBufferPointer) {
        var rest = bytes
        if head.count < headLimit {
            let taken = min(rest.count, headLimit - head.count)
            if head.count + taken > head.capacity {
                // Grow as an array would, but never past the head's limit.
                head.reserveCapacity(min(headLimit, max(head.count + taken, 2 * head.capacity)))
            }
            head.append(contentsOf: UnsafeRawBufferPointer(rebasing: rest[..<taken]))
            rest = UnsafeRawBufferPointer(rebasing: rest[taken...])
        }
        guard !rest.isEmpty else { return }
        if ring.isEmpty { ring = [UInt8](repeating: 0, count: ringLimit) }
        overflow += rest.count
        if rest.count >= ringLimit {
            rest = UnsafeRawBufferPointer(rebasing: rest[(rest.count - ringLimit)...])
        }
        let first = min(rest.count, ringLimit - ringEnd)
        ring.withUnsafeMutableBytes { ring in
            ring.baseAddress!.advanced(by: ringEnd).copyMemory(from: rest.baseAddress!, byteCount: first)
            ring.baseAddress!.copyMemory(from: rest.baseAddress! + first, byteCount: rest.count - first)
        }
        ringEnd = (ringEnd + rest.count) % ringLimit
    }

    /// What the log keeps: everything printed, or its head, a note of what was dropped, and its tail.
    package func kept(stream: String) -> [UInt8] {
        guard overflow > 0 else { return head }
        var bytes = head
        bytes.reserveCapacity(head.count + min(overflow, ringLimit) + 200)
        if dropped > 0 {
            bytes.append(
                contentsOf: "\n[mpibatch: \(dropped) bytes of \(stream) dropped here; max_output: \(limit) bytes keeps the first and last \(headLimit)]\n"
                    .utf8)
        }
        if overflow < ringLimit {
            bytes.append(contentsOf: ring[..<ringEnd])
        } else {
            bytes.append(contentsOf: ring[ringEnd...])
            bytes.append(contentsOf: ring[..<ringEnd])
        }
        return bytes
    }

    /// The whole stream when nothing was dropped; nil otherwise.
    package var whole: [UInt8]? { dropped == 0 ? kept(stream: "") : nil }

    /// The stream's last `count` bytes, or fewer: no more than the tail when bytes were dropped.
    package func suffix(_ count: Int) -> [UInt8] {
        guard overflow > 0 else { return Array(head.suffix(count)) }
        let tail = overflow < ringLimit ? Array(ring[..<ringEnd]) : Array(ring[ringEnd...] + ring[..<ringEnd])
        return tail.count >= count || dropped > 0 ? Array(tail.suffix(count)) : Array((head + tail).suffix(count))
    }
}
