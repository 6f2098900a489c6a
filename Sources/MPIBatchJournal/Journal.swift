import Foundation
import MPIBatchCore
import Synchronization

/// `results.jsonl`: one line per finished attempt, appended as results arrive.
///
/// Formatting and writing happen on a thread of the journal's own, so the
/// coordinator never waits for the disk. Each batch is written with one
/// `write` (in the OS's hands at once), and fsync'd every few seconds and at close.
///
/// A write that fails or falls short (a full disk, a quota, an I/O error) ends the
/// journal at once: the file is cut back to its last complete line, nothing more is
/// written, and the failure handler is told so the run stops. The records given to it
/// after that are counted as unwritten, never reported as done.
package final class Journal: Sendable {
    private struct Failure {
        var error: OutputError?
        var unwrittenSucceeded = 0
        var handler: (@Sendable (OutputError) -> Void)?
    }

    private let queue = Mutex<[[TaskRecord]]>([])
    private let failure = Mutex(Failure())
    private let writer = BackgroundLoop(name: "mpibatch-journal")

    /// How often the journal is forced to disk while the run goes on.
    static let syncIntervalSeconds = 2.0

    /// Opens (appending) the journal at `path` and starts its writer thread.
    ///
    /// - Parameter startOffset: added to every `start` (a resumed run's times follow the earlier runs').
    package init(path: String, workload: any ParameterFormatter, startOffset: Double = 0) throws(OutputError) {
        let file = try OutputFile(appendingTo: path)
        let goodLength = try file.length()
        // The file moves into the writer thread, which alone uses it from here on.
        nonisolated(unsafe) let owned = file
        writer.start { [self] loop in
            drain(loop, into: owned, goodLength: goodLength, workload: workload, startOffset: startOffset)
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

    /// Queues finished attempts for writing.
    package func append(_ records: [TaskRecord]) {
        queue.withLock { $0.append(records) }
        writer.wake()
    }

    /// Writes everything queued, fsyncs, and stops the writer. Returns the first write
    /// error, if any, and how many successful attempts it left unwritten.
    package func close() -> (error: OutputError, unwrittenSucceeded: Int)? {
        writer.stopAndJoin()
        return failure.withLock { failure in failure.error.map { ($0, failure.unwrittenSucceeded) } }
    }

    private func drain(
        _ loop: BackgroundLoop, into file: OutputFile, goodLength: Int, workload: any ParameterFormatter, startOffset: Double
    ) {
        var json = JSONWriter(capacity: 1 << 16)
        var lastSync = MonotonicClock.nanoseconds()
        var dirty = false
        var length = goodLength
        var broken = false
        while true {
            let isClosing = loop.isStopping
            let batches = queue.withLock { batches in
                let taken = batches
                batches = []
                return taken
            }
            for records in batches {
                guard !broken else {
                    count(unwritten: records)
                    continue
                }
                json.reset()
                for record in records {
                    JournalLine.write(record, workload: workload, startOffset: startOffset, to: &json)
                }
                do {
                    try file.write(json.bytes)
                    length += json.bytes.count
                    dirty = true
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
