import MPIBatchCore
import MPIBatchJob
import MPIBatchRuntime

/// An in-process Swift function a task can call by name (`kernel: spin`).
///
/// Library users register their own in a `KernelRegistry`. A kernel that declares
/// `argumentNames` has its `args:` checked when the job is loaded: a name it does not
/// take is a `path:line:col` error with a suggestion. Without the declaration (the
/// default) any `args:` are accepted.
public protocol Kernel: Sendable {
    /// Runs once with the task's templated arguments.
    func run(_ arguments: KernelArguments, context: TaskContext) async throws -> TaskValue

    /// The names of the arguments it takes; nil: any (not checked).
    var argumentNames: [String]? { get }
}

extension Kernel {
    /// Any arguments are accepted unless a kernel declares its own.
    public var argumentNames: [String]? { nil }
}

/// A kernel's arguments for one task, after templates were filled in.
public struct KernelArguments: Sendable {
    /// The arguments by name.
    public var values: [String: ParameterValue]

    /// Wraps `values`.
    public init(_ values: [String: ParameterValue] = [:]) { self.values = values }

    /// The argument `name` as a number, `fallback` if absent.
    public func double(_ name: String, default fallback: Double) throws(KernelArgumentError) -> Double {
        guard let value = values[name] else { return fallback }
        guard let number = value.doubleValue else { throw KernelArgumentError(name: name, value: value.description) }
        return number
    }

    /// The argument `name` as a duration in milliseconds, `fallback` if absent: a number from
    /// 0 to `longestMilliseconds` (so that it fits in nanoseconds).
    public func milliseconds(_ name: String, default fallback: Double) throws(KernelArgumentError) -> Double {
        let number = try double(name, default: fallback)
        guard (0...Self.longestMilliseconds).contains(number) else {
            throw KernelArgumentError(
                name: name, value: values[name]?.description ?? "",
                expected: "milliseconds from 0 to \(Int(Self.longestMilliseconds))")
        }
        return number
    }

    /// The longest duration a kernel argument may give: 10¹¹ ms, about 3 years.
    public static let longestMilliseconds = 1e11

    /// The argument `name` as a list of integers: `7`, `3,7` or `[3, 7]`; empty if absent.
    public func integers(_ name: String) throws(KernelArgumentError) -> [Int] {
        guard let value = values[name] else { return [] }
        if case .integer(let single) = value { return [single] }
        let text = value.description.filter { $0 != "[" && $0 != "]" && $0 != " " }
        var result: [Int] = []
        for piece in text.split(separator: ",") {
            guard let number = Int(piece) else { throw KernelArgumentError(name: name, value: value.description) }
            result.append(number)
        }
        return result
    }
}

/// A kernel argument that is not of the kind the kernel needs.
public struct KernelArgumentError: Error, Sendable, CustomStringConvertible {
    /// The argument's name.
    public let name: String
    /// The value it had.
    public let value: String
    /// What it should have been, when the kernel says.
    public var expected = "of the expected kind"
    /// `kernel argument 'ms' = '1e20' is not milliseconds from 0 to 100000000000`.
    public var description: String { "kernel argument '\(name)' = '\(value)' is not \(expected)" }
}

/// Kernels by name: the built-ins plus whatever a library user registers.
public struct KernelRegistry: Sendable {
    private var kernels: [String: any Kernel]

    /// The built-in kernels: `noop`, `spin`, `sleep`, `fail`.
    public static let builtIn = KernelRegistry(kernels: [
        "noop": NoopKernel(), "spin": SpinKernel(), "sleep": SleepKernel(), "fail": FailKernel(),
    ])

    private init(kernels: [String: any Kernel]) { self.kernels = kernels }

    /// Adds or replaces the kernel called `name`.
    public mutating func register(_ name: String, _ kernel: any Kernel) { kernels[name] = kernel }

    /// The kernel called `name`, if there is one.
    public func kernel(named name: String) -> (any Kernel)? { kernels[name] }

    /// Every registered name, sorted (for did-you-mean messages).
    public var names: [String] { kernels.keys.sorted() }

    /// The argument names the kernel called `name` declares; nil when it takes any, or there is no such kernel.
    public func argumentNames(of name: String) -> [String]? { kernels[name]?.argumentNames }
}
