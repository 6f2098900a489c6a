import MPIBatchJob
import MPIBatchScheduling

extension MonteCarloSpec.Target {
    /// Whether `estimate` meets the target.
    public func isMet(by estimate: MonteCarloEstimate) -> Bool {
        switch self {
        case .standardError(let limit): estimate.standardError <= limit
        case .relativeError(let limit): estimate.standardError <= limit * abs(estimate.mean)
        }
    }
}
