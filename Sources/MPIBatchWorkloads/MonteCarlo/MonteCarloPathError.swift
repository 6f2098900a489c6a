/// A path whose value was NaN or infinite: the run's result would be meaningless.
public struct MonteCarloPathError: Error, Sendable, CustomStringConvertible {
    /// The kernel's name.
    public let kernel: String
    /// The path's index.
    public let path: UInt64
    /// The run's seed.
    public let seed: UInt64
    /// The value it produced.
    public let value: Double

    /// The error for `path` of `kernel` under `seed`, which gave `value`.
    public init(kernel: String, path: UInt64, seed: UInt64, value: Double) {
        self.kernel = kernel
        self.path = path
        self.seed = seed
        self.value = value
    }

    /// `path 123456 (seed 2024) of kernel 'pi' produced NaN; …`.
    public var description: String {
        "path \(path) (seed \(seed)) of kernel '\(kernel)' produced \(value.isNaN ? "NaN" : "\(value)");"
            + " reproduce it alone with PathRandomStream(seed: \(seed), path: \(path))"
    }
}
