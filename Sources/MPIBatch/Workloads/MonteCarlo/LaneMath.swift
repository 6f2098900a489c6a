/// Elementary functions on eight Doubles at once, branch-free, for the normal
/// transform and the kernels' hot loops: `log`, `exp` and a quarter-turn
/// `sinCos`, each within 1 ulp-ish (stated on each function and tested against
/// Glibc).
///
/// Only additions, multiplications, divisions, square roots and integer bit
/// operations, all correctly rounded and never fused: the results are the same
/// bits on any x86-64 or arm64 build, whatever SIMD width the compiler picks.
public enum LaneMath {
    /// Eight Doubles.
    public typealias Lanes = SIMD8<Double>

    /// The IEEE bits of each lane.
    @inlinable @inline(__always)
    static func bits(_ x: Lanes) -> SIMD8<UInt64> { unsafeBitCast(x, to: SIMD8<UInt64>.self) }

    /// The Doubles with these IEEE bits.
    @inlinable @inline(__always)
    static func double(bits: SIMD8<UInt64>) -> Lanes { unsafeBitCast(bits, to: Lanes.self) }

    /// Each lane's integer `n` (0 ≤ n < 2^52) as a Double, exactly: n's bits in the
    /// mantissa of 2^52, minus 2^52. Vectorises on every target (no int→double
    /// instruction needed).
    @inlinable @inline(__always)
    static func double(exactly n: SIMD8<UInt64>) -> Lanes {
        double(bits: n | 0x4330_0000_0000_0000) - 0x1p52
    }
}
