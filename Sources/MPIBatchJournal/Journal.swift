import Foundation
import MPIBatchCore
import Synchronization

/// `results.jsonl`: one line per finished attempt, appended as results arrive.
///
/// Formatting and writing happen on a thread of the journal's own, so the
/// coordinator never waits for the disk. Each batch is written with one
/// `write` (in the OS's hands at once), sent on to the disk every few megabytes without
/// waiting (`OutputFile.handToDisk`), and fsync'd every few seconds and at close: the
/// fsync at close then waits for the last megabytes only, not for every line since the last
/// one. The megabytes handed over one step before are handed again, to leave the page cache
/// once on the disk: the journal holds a few megabytes of it, not all it wrote, and its next
/// writes reuse those pages. (A page new to the process costs far more to write than one
/// reused: 0.5-1 s of kernel CPU for 363 MB of noop tasks' lines on the project's VM, against
/// 0.15 s reused.)
///
/// A write that fails or falls short (a full disk, a quota, an I/O error) ends the
/// journal at once: the file is cut back to its last complete line, nothing more is
/// written, and the failure handler is told so the run stops. The records given to it
/// after that are counted as unwritten, never reported as done.
///
/// The queue between the coordinator and the writer is bounded (`queueLimit` records):
/// when tasks finish faster than their lines are formatted and written, `append` waits for
/// the writer, so rank 0's memory does not grow with the task count (the unbounded queue's
/// backlog of noop tasks grew with it: tens to hundreds of bytes a task).
package final class Journal: Sendable {
    private struct Failure {
        var error: OutputError?
        var unwrittenSucceeded = 0
        var handler: (@Sendable (OutputError) -> Void)?
    }

    private struct Queue {
        var batches: [[TaskRecord]] = []
        var records = 0
        /// Whether an `append` waits for room (the writer then signals `room`).
        var waiting = false
    }

    /// The most records queued at once so far.
    package var peakQueuedRecords: Int { peak.load(ordering: .relaxed) }

    private let queue = Mutex(Queue())
    /// Signalled when the writer takes a queue that an `append` waits to add to.
    private let room = DispatchSemaphore(value: 0)
    private let queueLimit: Int
    private let peak = Atomic<Int>(0)
    private let failure = Mutex(Failure())
    private let writer = BackgroundLoop(name: "mpibatch-journal")

    /// How often the journal is forced to disk while the run goes on.
    static let syncIntervalSeconds = 2.0
    /// Bytes written between two starts of their writeback.
    static let writebackBytes = 4 << 20
    /// Records queued at most (about 6 MB of them; the writer holds as many more while it formats).
    package static let standardQueueLimit = 1 << 15

    /// Opens (appending) the journal at `path` and starts its writer thread.
    ///
    /// - Parameter startOffset: added to every `start` (a resumed run's times follow the earlier runs').
    /// - Parameter part: the run part whose shard `path` is (`journal/nNNNN.pP.jsonl`): each line
    ///   then carries its part and dispatch sequence number; nil for `results.jsonl`.
    /// - Parameter queueLimit: records queued at most before `append` waits for the writer.
    /// - Parameter observer: shown every line once it is written (on the journal's thread).
    package init(
        path: String, workload: any ParameterFormatter, startOffset: Double = 0, part: Int? = nil,
        queueLimit: Int = Journal.standardQueueLimit, observer: (any JournalObserver)? = nil
    ) throws(OutputError) {
        self.queueLimit = max(1, queueLimit)
        let file = try OutputFile(appendingTo: path)
        let goodLength = try file.length()
        // The file moves into the writer thread, which alone uses it from here on.
        nonisolated(unsafe) let owned = file
        writer.start { [self] loop in
            drain(loop, into: owned, goodLength: goodLength, workload: workload, startOffset: startOffset, part: part, observer: observer)
        }
    }

    /// Calls `handler` (on the journal's thread) when a write fails; at once if one already has.
    package func onFailure(_ handler: @escaping @Sendable (OutputError) -> Void) {
        let failed = failure.withLock { failure in
            failure.handler = handler
            return failure.error
        }
        if let failed { handler(failed) }
    }

    /// Queues finished attempts for writing; first waits for the writer while they would take
    /// the queue past `queueLimit` records (a batch is never split: an empty queue takes any batch).
    package func append(_ records: [TaskRecord]) {
        while !queue.withLock({ queue in
            guard queue.records == 0 || queue.records + records.count <= queueLimit || writer.isStopping else {
                queue.waiting = true
                return false
            }
            queue.batches.append(records)
            queue.records += records.count
            if queue.records > peak.load(ordering: .relaxed) { peak.store(queue.records, ordering: .relaxed) }
            return true
        }) {
            writer.wake()
            _ = room.wait(timeout: .now() + .milliseconds(50))
        }
        writer.wake()
    }

    /// Writes everything queued, fsyncs, and stops the writer. Returns the first write
    /// error, if any, and how many successful attempts it left unwritten.
    package func close() -> (error: OutputError, unwrittenSucceeded: Int)? {
        writer.stopAndJoin()
        return failure.withLock { failure in failure.error.map { ($0, failure.unwrittenSucceeded) } }
    }

    private func drain(
        _ loop: BackgroundLoop, into file: OutputFile, goodLength: Int, workload: any ParameterFormatter, startOffset: Double,
        part: Int?, observer: (any JournalObserver)?
    ) {
        var json = JSONWriter(capacity: 1 << 16)
        var entries: [(entry: JournalEntry, start: Int)] = []
        var lines = 0
        var lastSync = MonotonicClock.nanoseconds()
        var dirty = false
        var length = goodLength
        var writtenBack = goodLength  // where the writeback not yet started begins
        var cachedFrom = goodLength  // where the pages that may still be in the cache begin
        var broken = false
        while true {
            let isClosing = loop.isStopping
            let (batches, waited) = queue.withLock { queue in
                let taken = (queue.batches, queue.waiting)
                queue = Queue()  // a fresh array: the taken batches' storage goes with them
                return taken
            }
            if waited { room.signal() }
            for records in batches {
                guard !broken else {
                    count(unwritten: records)
                    continue
                }
                json.reset()
                entries.removeAll(keepingCapacity: true)
                for record in records {
                    let start = json.bytes.count
                    let entry = JournalLine.write(record, workload: workload, startOffset: startOffset, part: part, to: &json)
                    if observer != nil { entries.append((entry, start)) }
                }
                do {
                    try file.write(json.bytes)
                    if let observer { show(entries, in: json.bytes, at: length, numbered: &lines, to: observer) }
                    length += json.bytes.count
                    dirty = true
                    if length - writtenBack >= Self.writebackBytes {
                        file.handToDisk(offset: writtenBack, count: length - writtenBack)
                        // What was handed over a step before this one's last range is on the disk by now.
                        let settled = writtenBack - Self.writebackBytes
                        if settled > cachedFrom {
                            file.handToDisk(offset: cachedFrom, count: settled - cachedFrom)
                            cachedFrom = settled
                        }
                        writtenBack = length
                    }
                } catch {
                    broken = true
                    try? file.truncate(to: length)  // a short write left part of a line: cut back to the last whole one
                    count(unwritten: records)
                    fail(error)
                }
            }
            let now = MonotonicClock.nanoseconds()
            if dirty, !broken, isClosing || Double(now &- lastSync) * 1e-9 >= Self.syncIntervalSeconds {
                do {
                    try file.sync()
                } catch {
                    broken = true
                    fail(error)
                }
                lastSync = now
                dirty = false
            }
            if isClosing && batches.isEmpty { return }
            if batches.isEmpty { loop.wait(seconds: 0.5) }
        }
    }

    /// Shows `observer` the lines just written: `entries` (each with where its line starts in
    /// `bytes`), the batch's `bytes` written at `offset` in the file.
    private func show(
        _ entries: [(entry: JournalEntry, start: Int)], in bytes: [UInt8], at offset: Int, numbered lines: inout Int,
        to observer: any JournalObserver
    ) {
        bytes.withUnsafeBufferPointer { buffer in
            var shown: [JournalFileReader.Line] = []
            shown.reserveCapacity(entries.count)
            for (position, item) in entries.enumerated() {
                let end = (position + 1 < entries.count ? entries[position + 1].start : buffer.count) - 1  // before the newline
                lines += 1
                shown.append(JournalFileReader.Line(
                    entry: item.entry, bytes: UnsafeBufferPointer(rebasing: buffer[item.start..<end]), number: lines,
                    offset: offset + item.start))
            }
            observer.observe(shown)
        }
    }

    private func count(unwritten records: [TaskRecord]) {
        let succeeded = records.count(where: { $0.status == .ok })
        failure.withLock { $0.unwrittenSucceeded += succeeded }
    }

    private func fail(_ error: OutputError) {
        let handler = failure.withLock { failure -> (@Sendable (OutputError) -> Void)? in
            guard failure.error == nil else { return nil }
            failure.error = error
            return failure.handler
        }
        handler?(error)
    }
}
