import MPIBatchScheduling

/// `pi`: 4 if a uniform point of the unit square falls in the quarter disc, else 0;
/// the mean estimates π. Takes no parameters.
public struct PiKernel: MonteCarloKernel {
    /// The kernel.
    public init() {}

    /// 4 or 0 in each lane.
    @inlinable
    public func simulate(_ draws: inout PathDraws) -> SIMD8<Double> {
        let x = draws.nextUniform()
        let y = draws.nextUniform()
        return SIMD8<Double>().replacing(with: 4, where: x * x + y * y .<= 1)
    }

    /// π.
    public var reference: MonteCarloReference? { MonteCarloReference(name: "exact", value: .pi) }
}
