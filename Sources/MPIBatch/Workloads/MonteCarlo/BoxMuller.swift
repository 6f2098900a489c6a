import CLanes

/// The normal transform: Box–Muller on eight lanes, branch-free (no rejection
/// loop, unlike Marsaglia's polar method), so it vectorises.
///
/// Two 32-bit words give two independent standard normals:
/// r = √(−2 ln u) with u = (word₀ + ½)/2^32, and (r cos θ, r sin θ) with θ the
/// quarter-turn angle of word₁ (`LaneMath.sinCos(turn:)`). Accuracy: each normal
/// is within a few ulp of the exact transform of the same words (log, sin and
/// cos below 1 ulp each, tested against Glibc). Range: u ≥ 2^-33, so
/// |z| ≤ √(66 ln 2) ≈ 6.76; the tail beyond (probability 1.3·10⁻¹¹) is cut.
enum BoxMuller {
    /// The pair of normals of each lane's two words (32-bit words in 64-bit lanes).
    @inline(__always)
    static func normals(radius: Philox4x32.Lanes, angle: Philox4x32.Lanes) -> (SIMD8<Double>, SIMD8<Double>) {
        let u = (LaneMath.double(exactly: radius) + 0.5) * 0x1p-32
        let r = clanes_sqrt(-2 * LaneMath.log(u))
        let (cos, sin) = LaneMath.sinCos(turn: angle)
        return (r * cos, r * sin)
    }
}
