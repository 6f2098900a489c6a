import Dispatch
import Foundation
import Synchronization

/// `results.jsonl`: one line per finished attempt, appended as results arrive.
///
/// Formatting and writing happen on a thread of the journal's own, so the
/// coordinator never waits for the disk. Each batch is written with one
/// `write` (in the OS's hands at once), and fsync'd every few seconds and at close.
final class Journal: Sendable {
    private let queue = Mutex<[[TaskRecord]]>([])
    private let closing = Atomic<Bool>(false)
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let failure = Mutex<OutputError?>(nil)

    /// How often the journal is forced to disk while the run goes on.
    static let syncIntervalSeconds = 2.0

    /// Opens (appending) the journal at `path` and starts its writer thread.
    ///
    /// - Parameter startOffset: added to every `start` (a resumed run's times follow the earlier runs').
    init(path: String, workload: any Workload, startOffset: Double = 0) throws(OutputError) {
        let file = try OutputFile(appendingTo: path)
        // The file moves into the writer thread, which alone uses it from here on.
        nonisolated(unsafe) let owned = file
        let thread = Thread { [self] in
            drain(into: owned, workload: workload, startOffset: startOffset)
            finished.signal()
        }
        thread.name = "mpibatch-journal"
        thread.start()
    }

    /// Queues finished attempts for writing.
    func append(_ records: [TaskRecord]) {
        queue.withLock { $0.append(records) }
        wake.signal()
    }

    /// Writes everything queued, fsyncs, and stops the writer. Throws the first write error.
    func close() throws(OutputError) {
        closing.store(true, ordering: .releasing)
        wake.signal()
        finished.wait()
        if let error = failure.withLock({ $0 }) { throw error }
    }

    private func drain(into file: OutputFile, workload: any Workload, startOffset: Double) {
        var json = JSONWriter(capacity: 1 << 16)
        var lastSync = MonotonicClock.nanoseconds()
        var dirty = false
        while true {
            let isClosing = closing.load(ordering: .acquiring)
            let batches = queue.withLock { batches in
                let taken = batches
                batches = []
                return taken
            }
            do {
                for records in batches {
                    json.reset()
                    for record in records {
                        JournalLine.write(record, workload: workload, startOffset: startOffset, to: &json)
                    }
                    try file.write(json.bytes)
                    dirty = true
                }
                let now = MonotonicClock.nanoseconds()
                if dirty, isClosing || Double(now &- lastSync) * 1e-9 >= Self.syncIntervalSeconds {
                    try file.sync()
                    lastSync = now
                    dirty = false
                }
            } catch {
                failure.withLock { if $0 == nil { $0 = error } }
            }
            if isClosing && batches.isEmpty { return }
            if batches.isEmpty { _ = wake.wait(timeout: .now() + .milliseconds(500)) }
        }
    }
}
