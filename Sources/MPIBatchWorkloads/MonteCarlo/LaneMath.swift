import CLanes

/// Elementary functions on eight Doubles at once, branch-free, for the normal
/// transform and the kernels' hot loops: `log`, `exp` and a quarter-turn
/// `sinCos`, each within 1–2 ulp (tested against Glibc).
///
/// Computed in C (`CLanes`): Swift's `SIMD8<Double>` arithmetic is a lane loop
/// that the optimiser re-vectorises only two lanes at a time, while Clang's
/// eight-lane vectors become whole-width vector code on every target. Only
/// additions, multiplications, divisions, square roots and integer bit
/// operations, all correctly rounded and never fused: the results are the same
/// bits on any x86-64 or arm64 build, whatever SIMD width the compiler picks.
public enum LaneMath {
    /// Eight Doubles.
    public typealias Lanes = SIMD8<Double>

    /// e^x in each lane: 0 below −745.2, +∞ above 709.8, NaN for NaN; within
    /// ~2 ulp (Cody–Waite reduction, Taylor series to r^13 by Estrin's scheme).
    @inlinable @inline(__always)
    public static func exp(_ x: Lanes) -> Lanes { clanes_exp(x) }

    /// e^x of each lane of the first `count` vectors of `values`, in place: the
    /// same bits as `exp(_:)` on each, faster for many at once (they overlap, and
    /// the default x86-64 build runs them in its AVX2 copy where the CPU has one).
    /// For a kernel that collects a path's steps first, as the Asian call does.
    @inlinable
    public static func exp<let capacity: Int>(_ values: inout InlineArray<capacity, Lanes>, count: Int) {
        precondition(count >= 0 && count <= capacity, "exp of \(count) vectors of \(capacity)")
        withUnsafeMutableBytes(of: &values) { clanes_exp_many($0.baseAddress, count) }
    }

    /// The natural logarithm of each lane, for positive normal finite lanes
    /// (other inputs give unspecified values); below 1 ulp (fdlibm's method).
    @inline(__always)
    static func log(_ x: Lanes) -> Lanes { clanes_log(x) }

    /// The cosine and sine of each lane's angle 2π·t, for `turn` t given as 32
    /// bits in 64-bit lanes: the top two bits pick the quadrant, the other 30 an
    /// angle (n + ½)/2^30 of a quarter turn in it; below 1 ulp.
    static func sinCos(turn: SIMD8<UInt64>) -> (cos: Lanes, sin: Lanes) {
        var pair = InlineArray<2, Lanes>(repeating: .zero)
        withUnsafeMutableBytes(of: &pair) { clanes_sincos_turn(turn, $0.baseAddress) }
        return (pair[0], pair[1])
    }
}
