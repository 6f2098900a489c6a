#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MPIBatchCore
import Synchronization

/// The CPU time of one kernel task, read on the thread that runs it.
///
/// A task longer than a millisecond runs as a `Task` of its own (`EarlyCancellation`), on
/// whichever thread of the pool is free, while the slot that started it waits, and resumes,
/// on any thread. A thread CPU clock read around the wait measured the waiting thread: right
/// only when the pool happened to run both on one thread, a fraction of the task on a busy
/// machine (30 ms for a 50 ms spin). So the meter wraps the task's own body: `measure` reads
/// the clock and the thread before and after it, and the reading stands only if the body
/// began and ended on one thread (a kernel that suspended and resumed elsewhere is not read).
final class ThreadCPUMeter: Sendable {
    /// The reading in nanoseconds, `UInt64.max` while there is none.
    private let nanoseconds = Atomic<UInt64>(.max)

    init() {}

    /// Runs `body`, reading the CPU time it took on its thread.
    func measure(_ body: () async throws -> TaskValue) async throws -> TaskValue {
        let thread = pthread_self()
        let first = MonotonicClock.threadCPUNanoseconds()
        defer {
            let last = MonotonicClock.threadCPUNanoseconds()
            if pthread_equal(pthread_self(), thread) != 0, last >= first {
                nanoseconds.store(last - first, ordering: .releasing)
            }
        }
        return try await body()
    }

    /// The body's CPU nanoseconds, or nil when it was not read (not run yet, or it moved thread).
    var reading: UInt64? {
        let value = nanoseconds.load(ordering: .acquiring)
        return value == .max ? nil : value
    }
}
