import MPIBatchCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What an earlier run's journal says (its files merged, `JournalShards`), read in one streaming pass: which tasks
/// already succeeded (as ranges, so a journal of 10⁸ lines takes a few words per hole, not
/// per task), how many attempts the failed ones used, their values when the workload needs
/// them, and the figures of each earlier part of the run.
///
/// A torn last line (a run killed mid-write, a node lost) is cut off its file, per file, so
/// appends continue on a clean line, but only when it is the start of a journal line: anything
/// else at the end of a file is refused, never truncated.
package struct JournalState {
    /// Indices with an `ok` line.
    package private(set) var succeeded = IndexRanges()
    /// `failed` and `timeout` attempts per index not yet succeeded (`interrupted` ones do not count).
    package private(set) var failedAttempts: [Int: Int] = [:]
    /// Indices with a `cancelled` line (an early stop, `mpibatch cancel`); see `cancelledOnly`.
    private var cancelled = IndexRanges()
    /// The values of the ok lines that have one, in journal order (for reducers such as
    /// Monte Carlo's, and for stage values); empty unless asked for.
    package private(set) var values: [(index: Int, value: TaskValue)] = []
    /// The latest `start + seconds` in the journal: where a resumed run's times begin.
    package private(set) var lastEnd = 0.0
    /// Bytes of torn last lines that were cut off, over every file.
    private(set) var tornBytes = 0
    /// Attempts and task seconds per earlier part of the run, by the parts' start offsets.
    package private(set) var parts: [RunPart]
    /// Indices with a line whose parameters are not this job's (read with `expecting:`).
    private(set) var changed = IndexRanges()

    /// How many tasks run again because the journal holds other work at their index (a
    /// changed job resumed with `--force`) and no line of this job's work succeeded there.
    package var changedToRerun: Int { changed.ranges.reduce(0) { $0 + $1.count - succeeded.count(in: $1) } }

    /// Reads `journal`, of a job of `taskCount` tasks.
    ///
    /// - Parameter parts: the earlier parts of the run (from `run.json`); each line counts
    ///   towards the last part that began at or before its `start`.
    /// - Parameter keepValues: whether to keep the ok lines' values.
    /// - Parameter job: for a job that changed since the journal began (`--resume --force`):
    ///   a line counts only when its `params` are what `job` writes for its index and what
    ///   the index's last line in journal order holds (as `FinalAttempts` shows it); any other
    ///   line is history (its task runs again), and a line beyond the job's tasks too. The
    ///   journal is then read twice, the first time for each index's last `params`.
    package init(
        journal: JournalShards, taskCount: Int, parts: [RunPart], keepValues: Bool, expecting job: (any ParameterFormatter)? = nil
    ) throws(RunFileError) {
        self.parts = parts.isEmpty ? [RunPart(startOffset: 0, startedAt: 0)] : parts
        let offsets = self.parts.map(\.startOffset)
        var state = self
        var expected = JSONWriter()
        var lastParameters: [Int: (place: (order: UInt64, shard: Int, offset: Int), hash: Int)] = [:]
        if job != nil {
            _ = try journal.read { line in
                let place = (line.order, line.shard, line.offset)
                if let last = lastParameters[line.entry.index], JournalOrder.precedes(place, last.place) { return }
                lastParameters[line.entry.index] = (place, line.parametersHash)
            }
        }
        let tails = try journal.read { (line) throws(RunFileError) in
            let entry = line.entry
            // A shard's line says its part (numbered from 1); a line of results.jsonl is of the last part begun by its start.
            let part = entry.part.map { min(max(0, $0 - 1), offsets.count - 1) } ?? max(0, (offsets.lastIndex { $0 <= entry.start }) ?? 0)
            state.parts[part].count(entry)
            state.lastEnd = max(state.lastEnd, entry.start + entry.seconds)
            guard (0..<taskCount).contains(entry.index) else {
                if job != nil { return }
                throw RunFileError(
                    path: journal.shards[line.shard].path, line: line.number,
                    reason: "index \(entry.index) is outside this job's \(taskCount) tasks "
                        + "(a journal of another job, or one edited by hand: resume into a new --out)")
            }
            if let job {
                let recorded = entry.params.map { Array(line.bytes[$0]) } ?? []
                expected.reset()
                job.writeParameters(of: entry.index, to: &expected)
                if recorded != expected.bytes, let refusal = job.changedWorkRefusal(at: entry.index, recorded: recorded) {
                    throw RunFileError(
                        path: journal.shards[line.shard].path, line: line.number, column: (entry.params?.lowerBound ?? 0) + 1,
                        reason: refusal)
                }
                guard recorded == expected.bytes, lastParameters[entry.index]?.hash == line.parametersHash else {
                    state.changed.insert(entry.index)
                    return
                }
            }
            state.add(entry, line: line.bytes, keepValues: keepValues)
        }
        self = state
        for (shard, tail) in zip(journal.shards, tails) where tail.tornLength > 0 {
            guard tail.isTornJournalLine else {
                throw RunFileError(
                    path: shard.path, line: tail.lines + 1,
                    reason: "ends with \(tail.tornLength) bytes that are not a journal line; not cutting them off "
                        + "(is this file a journal?)")
            }
        }
        for (shard, tail) in zip(journal.shards, tails) where tail.tornLength > 0 {
            try Self.cut(path: shard.path, to: tail.validLength)
            tornBytes += tail.tornLength
        }
    }

    private mutating func add(_ entry: JournalEntry, line: UnsafeBufferPointer<UInt8>, keepValues: Bool) {
        switch entry.status {
        case .ok:
            guard !succeeded.contains(entry.index) else { return }  // a duplicate: the first one stands
            succeeded.insert(entry.index)
            failedAttempts[entry.index] = nil
            if keepValues, let range = entry.value {
                let value = TaskValue(journalBytes: UnsafeBufferPointer(rebasing: line[range]))
                if value != .none { values.append((entry.index, value)) }
            }
        case .failed, .timeout:
            if !succeeded.contains(entry.index) { failedAttempts[entry.index, default: 0] += 1 }
        case .cancelled:
            cancelled.insert(entry.index)  // consumed nothing; a resume does not run it again unless asked
        case .interrupted:
            break  // consumed nothing
        }
    }

    /// Indices journaled `cancelled` and never `ok`: settled, not run again by a resume
    /// (unless `--retry-cancelled`).
    package var cancelledOnly: IndexRanges {
        guard !cancelled.ranges.isEmpty else { return cancelled }
        return IndexRanges(cancelled.ranges.joined().lazy.filter { !succeeded.contains($0) })
    }

    /// Cuts the file at `path` back to `length` bytes, through a descriptor that is not a symlink's.
    private static func cut(path: String, to length: Int) throws(RunFileError) {
        let descriptor = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else { throw RunFileError(path: path, reason: JournalFileReader.openFailure(errno)) }
        defer { close(descriptor) }
        guard ftruncate(descriptor, off_t(length)) == 0 else {
            throw RunFileError(path: path, reason: "cannot cut off its torn last line: \(String(cString: strerror(errno)))")
        }
    }
}

/// One part of a run that was resumed: from one start (or `--resume`) to the next.
public struct RunPart: Sendable, Equatable, Codable {
    /// Where this part's task times begin on the run's time axis, in seconds.
    public var startOffset: Double
    /// When it began, in seconds since the Unix epoch.
    public var startedAt: Double
    /// Attempts it journaled.
    public var attempts = 0
    /// Seconds summed over those attempts.
    public var taskSeconds = 0.0
    /// Its wall seconds: for an earlier part, up to the next part's start offset.
    public var wallSeconds = 0.0

    enum CodingKeys: String, CodingKey {
        case startOffset = "start_offset", startedAt = "started_at", attempts, taskSeconds = "task_seconds"
        case wallSeconds = "wall_seconds"
    }

    /// A part that began at `startOffset` on the run's axis, at `startedAt` on the clock.
    public init(startOffset: Double, startedAt: Double) {
        self.startOffset = startOffset
        self.startedAt = startedAt
    }

    /// Counts one journaled attempt.
    mutating func count(_ entry: JournalEntry) {
        attempts += 1
        taskSeconds += entry.seconds
    }
}
