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
    @usableFromInline let latticeDistance: Int

    /// A kernel with these settings.
    public init(barrier: Double, maxSteps: Int, gaussian: Bool) {
        self.barrier = barrier
        self.maxSteps = maxSteps
        self.gaussian = gaussian
        latticeDistance = Int(min(barrier, 0x1p53).rounded(.up))
    }

    /// Reads `barrier`, `max_steps` and `gaussian` from `parameters`.
    public init(_ parameters: MonteCarloParameters) throws(MonteCarloSpecError) {
        try parameters.allowOnly(["barrier", "max_steps", "gaussian"])
        self.init(
            barrier: try parameters.number("barrier", .positive),
            maxSteps: try parameters.integer("max_steps", atLeast: 1),
            gaussian: try parameters.number("gaussian", default: 0, .flag) == 1)
    }

    /// The first-passage step, or `max_steps`.
    @inlinable
    public func simulatePath(_ stream: inout PathRandomStream) -> Double {
        gaussian ? Double(gaussianPassage(&stream)) : Double(latticePassage(&stream))
    }

    @inlinable
    func gaussianPassage(_ stream: inout PathRandomStream) -> Int {
        var position = 0.0
        for step in 1...maxSteps {
            position += stream.nextNormal()
            if abs(position) >= barrier { return step }
        }
        return maxSteps
    }

    @inlinable
    func latticePassage(_ stream: inout PathRandomStream) -> Int {
        var position = 0
        var bits: UInt32 = 0
        for step in 1...maxSteps {
            if step & 31 == 1 { bits = stream.nextUInt32() }
            position += Int(bits & 1) &* 2 &- 1
            bits >>= 1
            if abs(position) >= latticeDistance { return step }
        }
        return maxSteps
    }
}
