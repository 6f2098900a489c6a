import MPIBatchScheduling

/// A Monte Carlo model: the values of a group of eight paths, one per SIMD lane,
/// from those paths' draws.
///
/// Conforming types are small structs of precomputed constants. `simulate`
/// takes a step's draws for all eight paths at once (`draws.nextNormal()` is
/// one `SIMD8<Double>`) and carries each path's state in a lane, so its loop is
/// vector code. A lane's value must depend only on that lane's draws (lane-wise
/// arithmetic, no mixing of lanes): then path i's value is the same in any
/// group, block, slot or rank.
public protocol MonteCarloKernel: Sendable {
    /// The value of each lane's path (lane `l` is path `draws.firstPath + l`);
    /// must not allocate.
    func simulate(_ draws: inout PathDraws) -> SIMD8<Double>
    /// An exact value the estimate should approach (Black–Scholes, π), if known.
    var reference: MonteCarloReference? { get }
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

    /// Calls `body` with each path of `paths` and its value, in path order,
    /// simulating eight paths at a time (a short last group computes spare lanes
    /// and drops them); stops when `body` returns false.
    public func forEachPath(in paths: Range<UInt64>, seed: UInt64, _ body: (UInt64, Double) -> Bool) {
        var draws = PathDraws(seed: seed)
        var first = paths.lowerBound
        while first < paths.upperBound {
            draws.start(firstPath: first)
            let values = simulate(&draws)
            for lane in 0..<Int(min(UInt64(PathDraws.lanes), paths.upperBound - first)) {
                guard body(first + UInt64(lane), values[lane]) else { return }
            }
            first += UInt64(PathDraws.lanes)
        }
    }

    /// Simulates `paths` in path order into one accumulator, showing each finite
    /// path's value to `observe` (for `paths_out:`) as it is added.
    public func simulateBlock(
        paths: Range<UInt64>, seed: UInt64, observe: (UInt64, Double) -> Void = { _, _ in }
    ) -> MonteCarloBlockOutcome {
        var accumulator = MonteCarloAccumulator()
        var outcome: MonteCarloBlockOutcome?
        forEachPath(in: paths, seed: seed) { path, value in
            guard value.isFinite else {
                outcome = .nonFinite(path: path, value: value)
                return false
            }
            accumulator.add(value)
            observe(path, value)
            return true
        }
        return outcome ?? .completed(accumulator)
    }

    /// Path `path`'s value alone: the lane-0 value of the group that starts at it.
    public func value(ofPath path: UInt64, seed: UInt64) -> Double {
        var draws = PathDraws(seed: seed)
        draws.start(firstPath: path)
        return simulate(&draws)[0]
    }
}
