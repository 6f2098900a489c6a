import MPIBatchCore

/// One `results.jsonl` line as the journal's readers see it: the fixed fields decoded, the
/// free-form ones (`params`, `value`, `error`) as byte ranges of the line, left for the
/// reader that wants them.
package struct JournalEntry {
    /// The task's index.
    package var index = 0
    /// The run part that journaled it: on a shard's lines only (`journal/nNNNN.pP.jsonl`).
    var part: Int?
    /// The dispatch sequence number of the assignment that handed it out, within its part: on a shard's lines only.
    var sequence: Int?
    /// 1 for the first try.
    package var attempt = 1
    /// How it ended.
    package var status = TaskStatus.ok
    /// The rank that ran it.
    package var rank = 0
    /// The slot of that rank's pool that ran it.
    package var slot = 0
    /// Seconds since the run began on its rank.
    package var start = 0.0
    /// How long it ran.
    package var seconds = 0.0
    /// Where the `params` value lies in the line, as raw JSON.
    package var params: Range<Int>?
    /// Where the `value` value lies in the line, as raw JSON; `nil` when absent (no value: `null`).
    package var value: Range<Int>?
    /// Where the `error` value lies in the line, as a raw JSON string; `nil` when `null` or absent.
    package var error: Range<Int>?
    /// When it started, in Unix epoch seconds; nil when `null` or absent (journals before it existed).
    var startedAt: Double?
    /// A command's (or a dead worker's) exit status; nil when `null` or absent.
    var exitCode: Int?
    /// The signal that killed a command; nil when `null` or absent.
    var signal: Int?
    /// CPU seconds the attempt used; nil when `null` or absent.
    var cpuSeconds: Double?
    /// Its peak resident memory in bytes; nil when `null` or absent (a kernel).
    package var maxRSSBytes: Int?
    /// Seconds a persistent worker took to start just before it; nil when none started (absent).
    package var workerStartSeconds: Double?
    /// Where the `log` object lies in the line (`JournalLineScanner.taskLog` reads it); nil when absent.
    var log: Range<Int>?
}
