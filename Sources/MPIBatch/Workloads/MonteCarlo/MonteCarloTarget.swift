extension MonteCarloSpec.Target {
    /// The precision asked for.
    public var limit: Double {
        switch self {
        case .standardError(let value), .relativeError(let value): value
        }
    }

    /// Whether `estimate` meets the target.
    public func isMet(by estimate: MonteCarloEstimate) -> Bool {
        switch self {
        case .standardError(let limit): estimate.standardError <= limit
        case .relativeError(let limit): estimate.standardError <= limit * abs(estimate.mean)
        }
    }

    /// `stderr ≤ 0.001`, `relative error ≤ 0.01`.
    public var humanDescription: String {
        switch self {
        case .standardError(let limit): "stderr ≤ \(limit)"
        case .relativeError(let limit): "relative error ≤ \(limit)"
        }
    }
}
