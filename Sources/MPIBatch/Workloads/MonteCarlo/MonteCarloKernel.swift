/// A Monte Carlo model: one path's value from that path's random stream.
///
/// Conforming types are small structs of precomputed constants. Blocks are
/// simulated by `simulateBlock`, whose default implementation is specialised
/// for each conforming type, so the per-path call is direct and inlinable.
public protocol MonteCarloKernel: Sendable {
    /// One path's value; must not allocate.
    func simulatePath(_ stream: inout PathRandomStream) -> Double
    /// An exact value the estimate should approach (Black–Scholes, π), if known.
    var reference: MonteCarloReference? { get }
    /// Simulates `paths` in order, each from `PathRandomStream(seed:path:)`.
    func simulateBlock(paths: Range<UInt64>, seed: UInt64) -> MonteCarloBlockOutcome
}

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

/// What simulating a block of paths gave.
public enum MonteCarloBlockOutcome: Sendable {
    /// Every path gave a finite value.
    case completed(MonteCarloAccumulator)
    /// Path `path` gave `value`, which is NaN or infinite; the block stopped there.
    case nonFinite(path: UInt64, value: Double)
}

extension MonteCarloKernel {
    /// No known exact value.
    public var reference: MonteCarloReference? { nil }

    /// Simulates `paths` in path order into one accumulator.
    @inlinable
    public func simulateBlock(paths: Range<UInt64>, seed: UInt64) -> MonteCarloBlockOutcome {
        var accumulator = MonteCarloAccumulator()
        for path in paths {
            var stream = PathRandomStream(seed: seed, path: path)
            let value = simulatePath(&stream)
            guard value.isFinite else { return .nonFinite(path: path, value: value) }
            accumulator.add(value)
        }
        return .completed(accumulator)
    }
}
