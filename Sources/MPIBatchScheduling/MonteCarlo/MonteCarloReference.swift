/// An exact value a kernel's estimate converges to.
public struct MonteCarloReference: Sendable, Equatable {
    /// The `summary.json` key, e.g. `black_scholes`.
    public var name: String
    /// The value.
    public var value: Double

    /// A reference `value` reported under `name`.
    public init(name: String, value: Double) {
        self.name = name
        self.value = value
    }
}
