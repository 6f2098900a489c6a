/// `pi`: 4 if a uniform point of the unit square falls in the quarter disc, else 0;
/// the mean estimates π. Takes no parameters.
public struct PiKernel: MonteCarloKernel {
    /// The kernel.
    public init() {}

    /// 4 or 0.
    @inlinable
    public func simulatePath(_ stream: inout PathRandomStream) -> Double {
        let x = stream.nextUniform()
        let y = stream.nextUniform()
        return x * x + y * y <= 1 ? 4 : 0
    }

    /// π.
    public var reference: MonteCarloReference? { MonteCarloReference(name: "exact", value: .pi) }
}
