#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What one task attempt used: CPU seconds (user + system) and peak resident memory. For a
/// command, from `wait4`'s rusage (the process and the descendants it waited for, so a
/// shell's children count); for an in-process kernel, the CPU time of the thread that ran
/// it, and no memory figure (the rank's memory is shared by its slots).
public struct TaskUsage: Sendable, Equatable {
    /// CPU seconds, user and system.
    public var cpuSeconds: Double
    /// Peak resident memory, in bytes; nil when unknown (a kernel).
    public var maxRSSBytes: Int?

    /// A usage of `cpuSeconds` and `maxRSSBytes`.
    public init(cpuSeconds: Double, maxRSSBytes: Int?) {
        self.cpuSeconds = cpuSeconds
        self.maxRSSBytes = maxRSSBytes
    }

    /// From `wait4`'s rusage.
    package init(_ usage: rusage) {
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        cpuSeconds = seconds(usage.ru_utime) + seconds(usage.ru_stime)
        maxRSSBytes = Platform.maxRSSBytes(usage)
    }
}
