/// Call or put.
public enum OptionKind: String, Sendable, Equatable {
    /// The right to buy at the strike: pays max(S − K, 0).
    case call
    /// The right to sell at the strike: pays max(K − S, 0).
    case put

    /// What the option pays at expiry when the underlying is at `spot`.
    @inlinable
    public func payoff(spot: Double, strike: Double) -> Double {
        switch self {
        case .call: max(spot - strike, 0)
        case .put: max(strike - spot, 0)
        }
    }

    /// `payoff(spot:strike:)` in each lane.
    @inlinable
    public func payoff(spot: SIMD8<Double>, strike: Double) -> SIMD8<Double> {
        switch self {
        case .call: (spot - strike).replacing(with: 0, where: spot .<= strike)
        case .put: (strike - spot).replacing(with: 0, where: spot .>= strike)
        }
    }
}
