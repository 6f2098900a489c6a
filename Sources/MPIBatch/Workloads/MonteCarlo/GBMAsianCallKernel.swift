/// `gbm-asian-call`: the discounted payoff of an arithmetic-average Asian call,
/// max(mean(S₁ … Sₙ) − K, 0), the average taken over the `steps` step ends of one
/// GBM path. Path-dependent; no closed form.
public struct GBMAsianCallKernel: MonteCarloKernel {
    /// The price process; `steps` are the averaging dates.
    public let model: GBMModel

    /// A kernel averaging over `model`'s steps.
    public init(model: GBMModel) { self.model = model }

    /// The discounted payoff of each lane's path.
    @inlinable
    public func simulate(_ draws: inout PathDraws) -> SIMD8<Double> {
        var logPrice = SIMD8<Double>()
        var sum = SIMD8<Double>()
        for _ in 0..<model.steps {
            logPrice += model.logIncrement(&draws)
            sum += LaneMath.exp(logPrice)
        }
        let average = model.spot * sum / Double(model.steps)
        return model.discount * OptionKind.call.payoff(spot: average, strike: model.strike)
    }
}
