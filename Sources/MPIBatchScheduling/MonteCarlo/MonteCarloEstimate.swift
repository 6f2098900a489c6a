import MPIBatchCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An estimate with its standard error and 95% confidence interval (normal approximation).
public struct MonteCarloEstimate: Sendable, Equatable {
    /// The two-sided 95% quantile of the standard normal.
    public static let z95 = 1.959_963_984_540_054

    /// Paths simulated.
    public let paths: Int
    /// The sample mean.
    public let mean: Double
    /// The standard error of the mean.
    public let standardError: Double

    /// The estimate of `accumulator`'s values.
    public init(_ accumulator: MonteCarloAccumulator) {
        paths = accumulator.count
        mean = accumulator.mean
        standardError = accumulator.standardError
    }

    /// The lower end of the 95% confidence interval.
    public var ci95Low: Double { mean - Self.z95 * standardError }
    /// The upper end of the 95% confidence interval.
    public var ci95High: Double { mean + Self.z95 * standardError }

    /// Decimals that show the standard error to two significant digits.
    public var decimals: Int {
        guard standardError > 0, standardError.isFinite else { return 6 }
        return min(12, max(0, 1 - Int(log10(standardError).rounded(.down))))
    }

    /// `estimate 4.7594 ± 0.0021 (95% CI 4.7552 … 4.7636), 10,000,000 paths`.
    public var humanLine: String {
        let digits = decimals
        return "estimate \(NumberText.fixed(mean, digits: digits)) ± \(NumberText.fixed(standardError, digits: digits))"
            + " (95% CI \(NumberText.fixed(ci95Low, digits: digits)) … \(NumberText.fixed(ci95High, digits: digits))),"
            + " \(NumberText.grouped(paths)) paths"
    }
}
