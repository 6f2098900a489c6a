/// Where a command task attempt's stdout and stderr were kept: the `log` field of its
/// `results.jsonl` line (absent for kernels, which print nothing of their own).
public enum TaskLog: Sendable, Equatable {
    /// In the files of the rank that ran it, `logs/rank-R.out` and `logs/rank-R.err` (R is the
    /// line's `rank`): `"log":{"out":[offset,length],"err":[offset,length]}`, with a third
    /// number, the bytes dropped from the middle, when the stream went over `max_output:`.
    case rankFiles(stdout: LogSpan, stderr: LogSpan)
    /// In files of its own (`logs: per-task`), by path relative to the run directory:
    /// `"log":{"out":"logs/7.out","err":"logs/7.err"}`.
    case taskFiles(stdout: String, stderr: String)
}

/// One stream's place in a rank's log file.
public struct LogSpan: Sendable, Equatable {
    /// Where it starts in the file, in bytes.
    public var offset: Int
    /// How many bytes it takes there (a note of what was dropped included).
    public var length: Int
    /// Bytes the task printed beyond `max_output:` and that were not kept (0: none).
    public var dropped: Int

    /// A span; an empty stream is `LogSpan(offset: 0, length: 0)`.
    public init(offset: Int, length: Int, dropped: Int = 0) {
        self.offset = offset
        self.length = length
        self.dropped = dropped
    }

    /// An empty stream.
    public static let empty = LogSpan(offset: 0, length: 0)
}

/// A command task's stdout or stderr, named as its log files end.
public enum LogStream: String, Sendable, CaseIterable {
    /// stdout: `logs/rank-R.out`, `logs/INDEX.out`.
    case out
    /// stderr: `logs/rank-R.err`, `logs/INDEX.err`.
    case err

    /// `stdout` or `stderr`.
    public var name: String { self == .out ? "stdout" : "stderr" }
}
