/// `gbm-asian-call`: the discounted payoff of an arithmetic-average Asian call,
/// max(mean(S₁ … Sₙ) − K, 0), the average taken over the `steps` step ends of one
/// GBM path. Path-dependent; no closed form.
public struct GBMAsianCallKernel: MonteCarloKernel {
    /// The price process; `steps` are the averaging dates.
    public let model: GBMModel

    /// A kernel averaging over `model`'s steps.
    public init(model: GBMModel) { self.model = model }

    /// The discounted payoff of each lane's path. The log prices of up to 32
    /// steps are collected, exponentiated together (`LaneMath.exp(_:count:)`), then
    /// summed in step order.
    @inlinable
    public func simulate(_ draws: inout PathDraws) -> SIMD8<Double> {
        var logPrice = SIMD8<Double>()
        var sum = SIMD8<Double>()
        var prices = InlineArray<32, SIMD8<Double>>(repeating: .zero)
        var done = 0
        while done < model.steps {
            let count = min(prices.count, model.steps - done)
            for step in 0..<count {
                logPrice += model.logIncrement(&draws)
                prices[step] = logPrice
            }
            LaneMath.exp(&prices, count: count)
            for step in 0..<count { sum += prices[step] }
            done += count
        }
        let average = model.spot * sum / Double(model.steps)
        return model.discount * OptionKind.call.payoff(spot: average, strike: model.strike)
    }
}
