import MPIBatchScheduling

/// `gbm-european-call` / `gbm-european-put`: the discounted payoff of a European
/// option on one GBM path of `steps` steps (`steps` defaults to 1, which is exact).
public struct GBMEuropeanKernel: MonteCarloKernel {
    /// The price process.
    public let model: GBMModel
    /// Call or put.
    public let kind: OptionKind

    /// A kernel for `kind` under `model`.
    public init(model: GBMModel, kind: OptionKind) {
        self.model = model
        self.kind = kind
    }

    /// The discounted payoff at maturity of each lane's path.
    @inlinable
    public func simulate(_ draws: inout PathDraws) -> SIMD8<Double> {
        var logPrice = SIMD8<Double>()
        for _ in 0..<model.steps {
            logPrice += model.logIncrement(&draws)
        }
        return model.discount * kind.payoff(spot: model.spot * LaneMath.exp(logPrice), strike: model.strike)
    }

    /// The Black–Scholes price.
    public var reference: MonteCarloReference? { model.blackScholes(kind) }
}
