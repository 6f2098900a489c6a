import MPIBatchJob

/// Monte Carlo kernels by name: the built-ins plus whatever a library user registers.
public struct MonteCarloKernelRegistry: Sendable {
    /// Builds a kernel from its `params:`, or throws an error naming the bad parameter.
    public typealias Factory = @Sendable (MonteCarloParameters) throws(MonteCarloSpecError) -> any MonteCarloKernel

    private var factories: [String: Factory]

    /// `pi`, `gbm-european-call`, `gbm-european-put`, `gbm-asian-call`, `random-walk-first-passage`.
    public static let builtIn = MonteCarloKernelRegistry(factories: [
        "pi": { parameters throws(MonteCarloSpecError) in
            try parameters.allowOnly([])
            return PiKernel()
        },
        "gbm-european-call": { parameters throws(MonteCarloSpecError) in
            GBMEuropeanKernel(model: try GBMModel(parameters, defaultSteps: 1), kind: .call)
        },
        "gbm-european-put": { parameters throws(MonteCarloSpecError) in
            GBMEuropeanKernel(model: try GBMModel(parameters, defaultSteps: 1), kind: .put)
        },
        "gbm-asian-call": { parameters throws(MonteCarloSpecError) in
            GBMAsianCallKernel(model: try GBMModel(parameters))
        },
        "random-walk-first-passage": { parameters throws(MonteCarloSpecError) in
            try RandomWalkFirstPassageKernel(parameters)
        },
    ])

    private init(factories: [String: Factory]) { self.factories = factories }

    /// Adds or replaces the kernel called `name`.
    public mutating func register(_ name: String, factory: @escaping Factory) { factories[name] = factory }

    /// Every registered name, sorted.
    public var names: [String] { factories.keys.sorted() }

    /// The kernel called `name` built from `params`.
    public func makeKernel(named name: String, params: [String: Double]) throws(MonteCarloSpecError) -> any MonteCarloKernel {
        guard let factory = factories[name] else {
            throw MonteCarloSpecError(
                field: "kernel", message: "unknown Monte Carlo kernel '\(name)'; known: \(names.joined(separator: ", "))")
        }
        return try factory(MonteCarloParameters(kernel: name, values: params))
    }
}
