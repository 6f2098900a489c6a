/// A `montecarlo:` section that cannot run: the message names the field and,
/// for parameters, the kernel.
public struct MonteCarloSpecError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The job-file key at fault, e.g. `kernel`, `paths`, `params.sigma`.
    public let field: String
    /// What is wrong with it.
    public let message: String

    /// An error about `field`.
    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    /// `montecarlo.params.sigma: kernel 'gbm-european-call' needs sigma ≥ 0, got -0.2`.
    public var description: String { "montecarlo.\(field): \(message)" }
}
