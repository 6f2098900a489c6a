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
/// Computed by `clanes_box_muller` over a whole buffer (why C: see `LaneMath`).
enum BoxMuller {
    /// Turns each pair of word vectors (radius, angle) of `words` into the pair of
    /// normal vectors at the same places of `normals` (32-bit words in 64-bit lanes).
    @inline(__always)
    static func transform<let count: Int>(
        _ words: inout InlineArray<count, Philox4x32.Lanes>, into normals: inout InlineArray<count, SIMD8<Double>>
    ) {
        withUnsafeMutableBytes(of: &words) { words in
            withUnsafeMutableBytes(of: &normals) { normals in
                clanes_box_muller(
                    words.baseAddress!.assumingMemoryBound(to: UInt64.self),
                    normals.baseAddress!.assumingMemoryBound(to: Double.self), count / 2)
            }
        }
    }

    /// The pair of normals of each lane's two words.
    static func normals(radius: Philox4x32.Lanes, angle: Philox4x32.Lanes) -> (SIMD8<Double>, SIMD8<Double>) {
        var words: InlineArray<2, Philox4x32.Lanes> = [radius, angle]
        var normals = InlineArray<2, SIMD8<Double>>(repeating: .zero)
        transform(&words, into: &normals)
        return (normals[0], normals[1])
    }
}
