import Foundation
import MPIBatchCore

/// `mpibatch logs`: a command task's captured stdout and stderr, found through its journal
/// line's `log` field (in its rank's `logs/rank-R.out`/`.err`, or in files of its own).
public enum TaskLogs {
    /// One attempt of a task, as its journal line tells it.
    public struct Attempt: Sendable {
        /// The task's index.
        public var index: Int
        /// The attempt (1 for the first try).
        public var attempt: Int
        /// The rank that ran it.
        public var rank: Int
        /// How it ended.
        public var status: TaskStatus
        /// Its exit status, when it exited.
        public var exitCode: Int?
        /// The signal that killed it, when one did.
        public var signal: Int?
        /// Why it failed, if it did.
        public var error: String?
        /// Where its output is; nil for a kernel task, which has none, or when `log` is unreadable.
        public var log: TaskLog?
        /// Whether its line has a `log` field that does not read as a place (a number out of
        /// range, a malformed span): its output cannot be found, though it had some.
        public var logUnreadable = false
        /// The journal file its line is in (`results.jsonl`, or a node's shard), which messages
        /// about its output name; empty: the run's `results.jsonl`.
        public var journal = ""

        /// `timed out after 1.0 s`, `exit code 3`, `signal 9`, or the error: why it did not
        /// succeed, in a few words. A timeout says so, not the signal that ended the task.
        public var reason: String {
            if status == .timeout, let error { return error }
            if let signal { return "signal \(signal)" }
            if let exitCode, exitCode != 0 { return "exit code \(exitCode)" }
            return error ?? "ok"
        }
    }

    /// Task `index`'s final attempt (its `ok` one if it has one, else its last), or attempt
    /// `attempt` when given, in the run at `directory`. An index or attempt the journal does
    /// not have is an error naming it.
    public static func attempt(directory: String, index: Int, attempt: Int? = nil) throws(RunFileError) -> Attempt {
        let journal = try JournalShards(directory: directory)
        let path = journal.name
        var chosen: (status: TaskStatus, place: (order: UInt64, shard: Int, offset: Int), line: [UInt8])?
        var attempts: [Int] = []
        _ = try journal.read { line in
            guard line.entry.index == index else { return }
            attempts.append(line.entry.attempt)
            // In journal order: the first line of the attempt asked for, else the first ok, else the last line.
            let place = (line.order, line.shard, line.offset)
            let earlier = chosen.map { JournalOrder.precedes(place, $0.place) } ?? true
            let wanted =
                switch (attempt, chosen) {
                case (let asked?, _): asked == line.entry.attempt && earlier
                case (nil, nil): true
                case (nil, let current?):
                    line.entry.status == .ok ? current.status != .ok || earlier : current.status != .ok && !earlier
                }
            if wanted { chosen = (line.entry.status, place, Array(line.bytes)) }
        }
        guard let chosen else {
            let reason =
                attempts.isEmpty
                ? "task \(index) has no line: no attempt of it finished (or the job has no such index)"
                : "task \(index) has no attempt \(attempt ?? 0) (its attempts: \(Set(attempts).sorted().map(String.init).joined(separator: ", ")))"
            throw RunFileError(path: path, reason: reason)
        }
        return chosen.line.withUnsafeBufferPointer { Self.attempt(line: $0, in: journal.shards[chosen.place.shard].path) }
    }

    /// Calls `body` with each task whose final attempt failed or timed out, in index order.
    public static func forEachFailure(
        directory: String, _ body: (Attempt) throws(RunFileError) -> Void
    ) throws(RunFileError) {
        let attempts = try FinalAttempts(journal: JournalShards(directory: directory))
        try FinalLines.forEach(attempts, where: { $0.status == .failed || $0.status == .timeout }) { (place, line) throws(RunFileError) in
            try body(attempt(line: line, in: attempts.journal.shards[Int(place.shard)].path))
        }
    }

    /// Writes `stream` of `attempt` (in the run at `directory`) to `output`, a MiB at a time.
    /// A task without captured output is an error saying so.
    public static func copy(
        _ stream: LogStream, of attempt: Attempt, directory: String, to output: FileHandle
    ) throws(RunFileError) {
        let journal = attempt.journal.isEmpty ? directory + "/" + JournalShards.singleName : attempt.journal
        switch attempt.log {
        case nil where attempt.logUnreadable:
            throw RunFileError(
                path: journal,
                reason: "task \(attempt.index)'s line has a log field that is not a place mpibatch can read "
                    + "(an offset or length out of range, or not [offset,length]): its output cannot be found")
        case nil:
            throw RunFileError(
                path: journal,
                reason: "task \(attempt.index) has no captured output: it printed nothing, or it is a kernel task (only command, shell, python and worker tasks have logs)")
        case .rankFiles(let stdout, let stderr)?:
            let span = stream == .out ? stdout : stderr
            guard span.length > 0 else { return }
            let path = try LogFileReader.confined(RankLog.path(rank: attempt.rank, stream: stream), in: directory, journal: journal)
            try LogFileReader.copy(path: path, range: span.offset..<(span.offset + span.length), to: output) {
                "task \(attempt.index)'s \(stream.name) lies at bytes \(span.offset)..<\(span.offset + span.length)"
            }
        case .taskFiles(let stdout, let stderr)?:
            let file = stream == .out ? stdout : stderr
            try LogFileReader.copy(path: try LogFileReader.confined(file, in: directory, journal: journal), range: nil, to: output) {
                "task \(attempt.index)'s \(stream.name) (logs: per-task)"
            }
        }
    }

    /// The attempt a journal line of the file at `journal` describes; the reader checked the
    /// line when it first read it.
    private static func attempt(line: UnsafeBufferPointer<UInt8>, in journal: String) -> Attempt {
        let entry = (try? JournalLineScanner.scan(line)) ?? JournalEntry()
        let log = entry.log.flatMap { JournalLineScanner.taskLog(UnsafeBufferPointer(rebasing: line[$0])) }
        return Attempt(
            index: entry.index, attempt: entry.attempt, rank: entry.rank, status: entry.status,
            exitCode: entry.exitCode, signal: entry.signal,
            error: entry.error.flatMap { JournalString.decode(UnsafeBufferPointer(rebasing: line[$0])) },
            log: log, logUnreadable: entry.log != nil && log == nil, journal: journal)
    }
}
