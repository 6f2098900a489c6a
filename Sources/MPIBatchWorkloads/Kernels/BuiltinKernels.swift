import MPIBatchCore
import MPIBatchRuntime

/// `noop`: does nothing; measures the runtime's own overhead.
public struct NoopKernel: Kernel {
    /// None.
    public var argumentNames: [String]? { [] }

    /// Returns `.none` at once.
    public func run(_ arguments: KernelArguments, context: TaskContext) async throws -> TaskValue { .none }
}

/// `spin`: keeps a core busy for `ms` milliseconds of this thread's CPU time.
public struct SpinKernel: Kernel {
    /// `ms`.
    public var argumentNames: [String]? { ["ms"] }

    /// Spins, then returns the milliseconds spun.
    public func run(_ arguments: KernelArguments, context: TaskContext) async throws -> TaskValue {
        let milliseconds = try arguments.milliseconds("ms", default: 1)
        Self.spin(milliseconds: milliseconds)
        return .number(milliseconds)
    }

    /// Burns `milliseconds` of CPU time on the calling thread.
    public static func spin(milliseconds: Double) {
        let end = MonotonicClock.threadCPUNanoseconds() &+ UInt64(min(max(0, milliseconds), KernelArguments.longestMilliseconds) * 1e6)
        var sink: UInt64 = 0
        repeat {
            for step in 0..<256 { sink = sink &* 6_364_136_223_846_793_005 &+ UInt64(step) }
        } while MonotonicClock.threadCPUNanoseconds() < end
        withExtendedLifetime(sink) {}
    }
}

/// `sleep`: waits `ms` milliseconds of wall time without using the CPU.
public struct SleepKernel: Kernel {
    /// `ms`.
    public var argumentNames: [String]? { ["ms"] }

    /// Sleeps, then returns the milliseconds slept.
    public func run(_ arguments: KernelArguments, context: TaskContext) async throws -> TaskValue {
        let milliseconds = try arguments.milliseconds("ms", default: 1)
        try await Task.sleep(nanoseconds: UInt64(milliseconds * 1e6))
        return .number(milliseconds)
    }
}

/// `fail`: throws on the indices in `when`, or with probability `p` (decided
/// from the index alone, so the same tasks fail on every run); else returns the
/// index. With `ms`, first spins that long, like `spin`.
public struct FailKernel: Kernel {
    /// `when`, `p`, `ms`.
    public var argumentNames: [String]? { ["when", "p", "ms"] }

    /// Throws `InjectedFailure` or returns the index.
    public func run(_ arguments: KernelArguments, context: TaskContext) async throws -> TaskValue {
        let indices = try arguments.integers("when")
        let probability = try arguments.double("p", default: 0)
        SpinKernel.spin(milliseconds: try arguments.milliseconds("ms", default: 0))
        if indices.contains(context.index) || Self.unitValue(of: context.index) < probability {
            throw InjectedFailure(index: context.index)
        }
        return .number(Double(context.index))
    }

    /// A uniform value in [0, 1) that depends on `index` alone (SplitMix64).
    static func unitValue(of index: Int) -> Double {
        var z = UInt64(bitPattern: Int64(index)) &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) * 0x1p-53
    }
}

/// The error `fail` throws.
public struct InjectedFailure: Error, Sendable, CustomStringConvertible {
    /// The task that failed on purpose.
    public let index: Int
    /// `injected failure at index 7`.
    public var description: String { "injected failure at index \(index)" }
}
