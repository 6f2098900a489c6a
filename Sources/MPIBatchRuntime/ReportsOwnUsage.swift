/// A workload whose tasks report what they used themselves (a command's `wait4` rusage,
/// through `CommandReport`), so the worker need not read its thread's CPU clock around
/// them: one system call a task saved (`CLOCK_THREAD_CPUTIME_ID` has no vDSO fast path).
package protocol ReportsOwnUsage: Sendable {
    /// Whether task `index` reports its own usage.
    func reportsOwnUsage(of index: Int) -> Bool
}
