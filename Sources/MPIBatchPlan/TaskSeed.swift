/// Per-task seeds: `{seed}` for task `i` of a job with seed `s`.
public enum TaskSeed {
    /// A well-mixed, non-negative 63-bit seed from the job seed and the index
    /// (two SplitMix64 finaliser rounds), so neighbouring tasks get unrelated streams.
    @inline(__always)
    public static func seed(job: UInt64, index: Int) -> Int {
        let mixed = mix(mix(job) &+ UInt64(bitPattern: Int64(index)))
        return Int(truncatingIfNeeded: mixed >> 1)
    }

    /// The job seed of stage `stage`'s tasks in a stage graph: each stage draws its own `{seed}`s.
    public static func stageSeed(job: UInt64, stage: Int) -> UInt64 {
        UInt64(seed(job: job, index: stage))
    }

    /// The SplitMix64 output function.
    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
