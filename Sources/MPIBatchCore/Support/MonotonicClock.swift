#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Cheap clock reads for timing tasks (vDSO `clock_gettime`, no allocation), inlinable:
/// the worker reads them around every task.
public enum MonotonicClock {
    /// Nanoseconds on the monotonic clock since an arbitrary point.
    @inlinable @inline(__always)
    public static func nanoseconds() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
    }

    /// Seconds on the monotonic clock since an arbitrary point.
    @inlinable public static func seconds() -> Double { Double(nanoseconds()) * 1e-9 }

    /// CPU nanoseconds the calling thread has used.
    @inlinable @inline(__always)
    public static func threadCPUNanoseconds() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
        return UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
    }

    /// CPU seconds the whole process has used, user and system, with those of its children
    /// that have ended (command tasks): what a rank's work cost in CPU.
    public static func processCPUSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
        let children = Platform.childrenUsage()
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9 + seconds(children.ru_utime) + seconds(children.ru_stime)
    }
}
