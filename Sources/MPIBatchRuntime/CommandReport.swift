import MPIBatchCore
import MPIBatchJournal
import Synchronization

/// What a command task tells its worker beside its value: its exit status or signal and where
/// its output was kept; the worker puts them in the task's record. One per slot, reused: a
/// slot runs one task at a time, and the worker takes the facts after each.
package final class CommandReport: Sendable {
    /// A command attempt's facts.
    package struct Facts: Sendable, Equatable {
        /// The exit status; nil when killed by a signal or never started.
        package var exitCode: Int32?
        /// The signal that killed it.
        package var signal: Int32?
        /// Where its stdout and stderr are.
        package var log: TaskLog?
        /// What it used.
        package var usage: TaskUsage?
        /// Seconds spent starting a persistent worker before the task could run: not task time.
        package var setupSeconds = 0.0
        /// Seconds the start of the worker that runs the task took before the run began (rank
        /// 0's first worker, asked what it runs under): the task's worker start too, but not
        /// within its time, so its start and length stay as they were.
        package var earlySetupSeconds = 0.0

        /// Every stored property, as the memberwise initializer had it (another target builds it).
        package init(
            exitCode: Int32? = nil, signal: Int32? = nil, log: TaskLog? = nil, usage: TaskUsage? = nil,
            setupSeconds: Double = 0.0, earlySetupSeconds: Double = 0.0
        ) {
            self.exitCode = exitCode
            self.signal = signal
            self.log = log
            self.usage = usage
            self.setupSeconds = setupSeconds
            self.earlySetupSeconds = earlySetupSeconds
        }
    }

    /// Where command tasks of this slot append their output.
    package let log: RankLog
    private let facts = Mutex(Facts())
    /// Whether `facts` holds a record not yet taken: a kernel's task records none, and its
    /// `take` (once per task) then costs one load instead of a lock and two copies of `Facts`.
    private let recorded = Atomic<Bool>(false)

    /// A report whose tasks log to `log`.
    package init(log: RankLog) {
        self.log = log
    }

    /// Records how the command ended and where its output is (by the command's launcher).
    package func record(_ facts: Facts) {
        self.facts.withLock { $0 = facts }
        recorded.store(true, ordering: .releasing)
    }

    /// The facts recorded since the last call (none for a kernel), forgetting them.
    func take() -> Facts {
        guard recorded.load(ordering: .acquiring), recorded.exchange(false, ordering: .acquiringAndReleasing) else {
            return Facts()
        }
        return facts.withLock { facts in
            defer { facts = Facts() }
            return facts
        }
    }
}
