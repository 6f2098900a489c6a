import MPIBatchJob
import MPIBatchScheduling

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Geometric Brownian motion under the risk-neutral measure, stepped exactly in
/// log space over `steps` equal time steps; shared by the GBM option kernels.
///
/// Parameters: `s0` spot > 0, `k` strike ≥ 0, `r` rate, `sigma` volatility ≥ 0,
/// `t` maturity in years > 0, `steps` ≥ 1.
public struct GBMModel: Sendable, Equatable {
    /// The parameter names the model reads.
    public static let parameterNames: Set<String> = ["s0", "k", "r", "sigma", "t", "steps"]

    /// Spot price at time 0.
    public let spot: Double
    /// Strike price.
    public let strike: Double
    /// Continuously compounded risk-free rate.
    public let rate: Double
    /// Volatility.
    public let volatility: Double
    /// Maturity in years.
    public let maturity: Double
    /// Time steps per path.
    public let steps: Int
    /// (r − σ²/2)·Δt: the log-price drift per step.
    @usableFromInline let drift: Double
    /// σ·√Δt: the log-price standard deviation per step.
    @usableFromInline let diffusion: Double
    /// e^(−rT).
    @usableFromInline let discount: Double

    /// Reads the model from `parameters`; `steps` falls back to `defaultSteps` if given.
    public init(_ parameters: MonteCarloParameters, defaultSteps: Int? = nil) throws(MonteCarloSpecError) {
        try parameters.allowOnly(Self.parameterNames)
        spot = try parameters.number("s0", .positive)
        strike = try parameters.number("k", .nonNegative)
        rate = try parameters.number("r")
        volatility = try parameters.number("sigma", .nonNegative)
        maturity = try parameters.number("t", .positive)
        steps = try parameters.integer("steps", default: defaultSteps, atLeast: 1)
        let dt = maturity / Double(steps)
        drift = (rate - volatility * volatility / 2) * dt
        diffusion = volatility * dt.squareRoot()
        discount = exp(-rate * maturity)
    }

    /// The log-price increment of one step, in each lane.
    @inlinable @inline(__always)
    func logIncrement(_ draws: inout PathDraws) -> SIMD8<Double> {
        drift + diffusion * draws.nextNormal()
    }

    /// The Black–Scholes price of the European `kind` option on this model.
    public func blackScholes(_ kind: OptionKind) -> MonteCarloReference {
        MonteCarloReference(
            name: "black_scholes",
            value: BlackScholes.price(
                kind, spot: spot, strike: strike, rate: rate, volatility: volatility, maturity: maturity))
    }
}
