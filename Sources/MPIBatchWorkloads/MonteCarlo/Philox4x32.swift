import CLanes

/// The Philox4x32-10 counter-based generator (Salmon et al., "Parallel random
/// numbers: as easy as 1, 2, 3", SC 2011), as in Random123's `philox4x32_10`.
///
/// A pure function of a 128-bit counter and a 64-bit key: any block of the
/// stream is computed directly, so path `i` can be drawn on any rank. Computed
/// for eight counters at once, one per SIMD lane; the 32×32→64-bit products are
/// widening lane-wise multiplies (`pmuludq`). The rounds are in C
/// (`clanes_philox.h`), shared with the fused normal refill.
public enum Philox4x32 {
    /// The rounds Random123 recommends and its known-answer vectors use.
    public static let rounds = 10

    /// Eight 32-bit words, one per lane, each in the low half of a 64-bit lane:
    /// the form the widening multiply (`pmuludq`) takes, so that no lane ever
    /// needs converting.
    public typealias Lanes = SIMD8<UInt64>

    /// Four random words for `counter` under `key`: ten Philox rounds.
    public static func block(counter: SIMD4<UInt32>, key: SIMD2<UInt32>) -> SIMD4<UInt32> {
        let words = blocks(
            Lanes(repeating: UInt64(counter.x)), Lanes(repeating: UInt64(counter.y)),
            Lanes(repeating: UInt64(counter.z)), Lanes(repeating: UInt64(counter.w)), key: key)
        return SIMD4(UInt32(words.0[0]), UInt32(words.1[0]), UInt32(words.2[0]), UInt32(words.3[0]))
    }

    /// The blocks of eight counters under one key: lane `l` of the result is
    /// word 0…3 of the block whose counter is lane `l` of `c0`…`c3` (32-bit
    /// words in 64-bit lanes; the results' high halves are zero). Computed by
    /// `clanes_philox` (why C: see `LaneMath`).
    @inline(__always)
    public static func blocks(
        _ c0: Lanes, _ c1: Lanes, _ c2: Lanes, _ c3: Lanes, key: SIMD2<UInt32>
    ) -> (Lanes, Lanes, Lanes, Lanes) {
        var counters: InlineArray<4, Lanes> = [c0, c1, c2, c3]
        var words = InlineArray<4, Lanes>(repeating: .zero)
        withUnsafeBytes(of: &counters) { counters in
            withUnsafeMutableBytes(of: &words) { clanes_philox(counters.baseAddress, key.x, key.y, $0.baseAddress) }
        }
        return (words[0], words[1], words[2], words[3])
    }
}
