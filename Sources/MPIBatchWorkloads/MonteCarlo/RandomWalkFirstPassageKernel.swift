import CLanes
import MPIBatchJob

/// `random-walk-first-passage`: the number of steps a walk from 0 takes to first
/// reach distance `barrier` (|X| ≥ barrier), capped at `max_steps`. Path-dependent.
///
/// Parameters: `barrier` > 0; `max_steps` ≥ 1; `gaussian` 0 (default: ±1 steps,
/// one random bit each; the uncapped mean is ⌈barrier⌉²) or 1 (standard normal steps).
public struct RandomWalkFirstPassageKernel: MonteCarloKernel {
    /// The distance to reach.
    public let barrier: Double
    /// The most steps a path may take; a path that never reaches the barrier counts this many.
    public let maxSteps: Int
    /// Whether steps are standard normal rather than ±1.
    public let gaussian: Bool
    /// ⌈barrier⌉ for the ±1 walk (limited to 2^53, far beyond any reachable distance).
    @usableFromInline let latticeDistance: Int64

    /// A kernel with these settings.
    public init(barrier: Double, maxSteps: Int, gaussian: Bool) {
        self.barrier = barrier
        self.maxSteps = maxSteps
        self.gaussian = gaussian
        latticeDistance = Int64(min(barrier, 0x1p53).rounded(.up))
    }

    /// Reads `barrier`, `max_steps` and `gaussian` from `parameters`.
    public init(_ parameters: MonteCarloParameters) throws(MonteCarloSpecError) {
        try parameters.allowOnly(["barrier", "max_steps", "gaussian"])
        self.init(
            barrier: try parameters.number("barrier", .positive),
            maxSteps: try parameters.integer("max_steps", atLeast: 1),
            gaussian: try parameters.number("gaussian", default: 0, .flag) == 1)
    }

    /// Each lane's first-passage step, or `max_steps`.
    @inlinable
    public func simulate(_ draws: inout PathDraws) -> SIMD8<Double> {
        gaussian ? gaussianPassage(&draws) : latticePassage(&draws)
    }

    /// Steps of N(0, 1). The group stops drawing once every lane has passed
    /// (checked every 32 steps); a lane's value depends on its own draws only.
    @inlinable
    func gaussianPassage(_ draws: inout PathDraws) -> SIMD8<Double> {
        var passage = FirstPassage(maxSteps: maxSteps)
        var position = SIMD8<Double>()
        for step in 1...maxSteps {
            if step & 31 == 1, passage.allPassed { break }
            position += draws.nextNormal()
            passage.record(step: step, passed: clanes_outside(position, barrier))
        }
        return passage.steps
    }

    /// Steps of ±1, one random bit each (32 steps a word).
    @inlinable
    func latticePassage(_ draws: inout PathDraws) -> SIMD8<Double> {
        var passage = FirstPassage(maxSteps: maxSteps)
        var position = SIMD8<Int64>()
        var bits = SIMD8<UInt64>()
        for step in 1...maxSteps {
            if step & 31 == 1 {
                if passage.allPassed { break }
                bits = clanes_widen(draws.nextWord())
            }
            position &+= unsafeBitCast(bits & 1, to: SIMD8<Int64>.self) &* 2 &- 1
            bits &>>= 1
            // |position| ≥ distance as a lane mask, in integer arithmetic only: the
            // sign of (distance − 1) − |position|, spread over the lane.
            let sign = position &>> 63
            let magnitude = (position ^ sign) &- sign
            passage.record(step: step, passed: unsafeBitCast((latticeDistance &- 1 &- magnitude) &>> 63, to: SIMD8<UInt64>.self))
        }
        return passage.steps
    }
}

/// The first step at which each lane passed, `maxSteps` for lanes that never did.
///
/// Lane masks are integers, all ones or zero, combined with bit operations: a
/// Swift `SIMDMask` from a comparison is built one lane at a time through memory
/// (measured: nine tenths of the walk's time).
@usableFromInline
struct FirstPassage {
    @usableFromInline var steps: SIMD8<Double>
    /// All ones in the lanes that have not passed yet.
    @usableFromInline var running = SIMD8<UInt64>(repeating: .max)

    @inlinable
    init(maxSteps: Int) { steps = SIMD8(repeating: Double(maxSteps)) }

    /// Whether every lane has passed.
    @inlinable
    var allPassed: Bool { running == .zero }

    /// Records `step` in the running lanes that are past the barrier (`passed`
    /// all ones there).
    @inlinable @inline(__always)
    mutating func record(step: Int, passed: SIMD8<UInt64>) {
        steps = clanes_select(passed & running, SIMD8(repeating: Double(step)), steps)
        running &= ~passed
    }
}
