#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Black–Scholes closed-form prices of European options on a non-dividend stock:
/// the reference the GBM kernels' estimates converge to.
public enum BlackScholes {
    /// The price of a European `kind` option with spot `spot`, strike `strike`,
    /// risk-free rate `rate`, volatility `volatility` and `maturity` in years.
    public static func price(
        _ kind: OptionKind, spot: Double, strike: Double, rate: Double, volatility: Double, maturity: Double
    ) -> Double {
        let discountedStrike = strike * exp(-rate * maturity)
        let deviation = volatility * maturity.squareRoot()
        guard deviation > 0 else { return kind.payoff(spot: spot, strike: discountedStrike) }
        let d1 = (log(spot / strike) + (rate + volatility * volatility / 2) * maturity) / deviation
        let d2 = d1 - deviation
        switch kind {
        case .call: return spot * normalCDF(d1) - discountedStrike * normalCDF(d2)
        case .put: return discountedStrike * normalCDF(-d2) - spot * normalCDF(-d1)
        }
    }

    /// The standard normal cumulative distribution function.
    public static func normalCDF(_ x: Double) -> Double {
        0.5 * erfc(-x / 2.0.squareRoot())
    }
}
