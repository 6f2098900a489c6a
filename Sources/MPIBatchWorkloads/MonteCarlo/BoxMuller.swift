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
/// Computed in C (`clanes_box_muller_lanes`; why C: see `LaneMath`); the
/// draws' refill calls it inside `clanes_fill_normals`, Philox and all.
enum BoxMuller {
    /// The pair of normals of each lane's two words (32-bit words in 64-bit lanes).
    static func normals(radius: Philox4x32.Lanes, angle: Philox4x32.Lanes) -> (SIMD8<Double>, SIMD8<Double>) {
        var normals = InlineArray<2, SIMD8<Double>>(repeating: .zero)
        withUnsafeMutableBytes(of: &normals) { clanes_box_muller(radius, angle, $0.baseAddress) }
        return (normals[0], normals[1])
    }
}
