/// When a slot reads its thread's CPU clock around a kernel task, and what a task it did not
/// read is taken to have used. A read of `CLOCK_THREAD_CPUTIME_ID` is a system call (no vDSO
/// path; ~0.5 µs on a VM at best, two per task): more than a `noop` task itself costs. So a slot
/// reads it around every task that follows one of at least `longNanoseconds`, and around one
/// task in `period` otherwise; a task it did not read is given its wall time at the CPU share
/// (CPU ÷ wall, at most 1) of the slot's last read task, so summed CPU against summed busy
/// time (`cpu_per_busy`, the `io_bound` finding) stays right for runs of short tasks.
struct CPUClockSampler {
    /// A task at least this long is worth two clock reads (about 1 % of it at most).
    static let longNanoseconds: UInt64 = 100_000
    /// Of short tasks, one in this many is read.
    static let period = 64

    private var untilRead = 0
    private var previousWasLong = true
    private var share = 1.0

    /// Whether to read the clock around the next task.
    mutating func readsNext() -> Bool {
        untilRead -= 1
        guard previousWasLong || untilRead <= 0 else { return false }
        untilRead = Self.period
        return true
    }

    /// CPU seconds for a task of `seconds` that was not read.
    func estimate(seconds: Double) -> Double { seconds * share }

    /// Takes a finished task's wall time, and its CPU time when it was read.
    mutating func took(nanoseconds: UInt64, cpuSeconds: Double?) {
        previousWasLong = nanoseconds >= Self.longNanoseconds
        if let cpuSeconds, nanoseconds > 0 { share = min(1, cpuSeconds / (Double(nanoseconds) * 1e-9)) }
    }
}
