import Synchronization

/// What a command task tells its worker beside its value: its exit status or signal and where
/// its output was kept; the worker puts them in the task's record. One per slot, reused: a
/// slot runs one task at a time, and the worker takes the facts after each.
final class CommandReport: Sendable {
    /// A command attempt's facts.
    struct Facts: Sendable, Equatable {
        /// The exit status; nil when killed by a signal or never started.
        var exitCode: Int32?
        /// The signal that killed it.
        var signal: Int32?
        /// Where its stdout and stderr are.
        var log: TaskLog?
        /// What it used.
        var usage: TaskUsage?
        /// Seconds spent starting a persistent worker before the task could run: not task time.
        var setupSeconds = 0.0
    }

    /// Where command tasks of this slot append their output.
    let log: RankLog
    private let facts = Mutex(Facts())

    /// A report whose tasks log to `log`.
    init(log: RankLog) {
        self.log = log
    }

    /// Records how the command ended and where its output is (by the command's launcher).
    func record(_ facts: Facts) {
        self.facts.withLock { $0 = facts }
    }

    /// The facts recorded since the last call (none for a kernel), forgetting them.
    func take() -> Facts {
        facts.withLock { facts in
            defer { facts = Facts() }
            return facts
        }
    }
}
