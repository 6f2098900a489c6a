/// The Philox4x32-10 counter-based generator (Salmon et al., "Parallel random
/// numbers: as easy as 1, 2, 3", SC 2011), as in Random123's `philox4x32_10`.
///
/// A pure function of a 128-bit counter and a 64-bit key: any block of the
/// stream is computed directly, so path `i` can be drawn on any rank. Computed
/// for eight counters at once, one per SIMD lane; the 32×32→64-bit products are
/// widening lane-wise multiplies (`vpmuludq`).
public enum Philox4x32 {
    /// The rounds Random123 recommends and its known-answer vectors use.
    public static let rounds = 10

    /// Eight 32-bit words, one per lane, each in the low half of a 64-bit lane:
    /// the form the widening multiply (`vpmuludq`) takes, so that no lane ever
    /// needs converting.
    public typealias Lanes = SIMD8<UInt64>

    @usableFromInline static let multiplier0: UInt64 = 0xD251_1F53
    @usableFromInline static let multiplier1: UInt64 = 0xCD9E_8D57
    @usableFromInline static let weyl0: UInt64 = 0x9E37_79B9
    @usableFromInline static let weyl1: UInt64 = 0xBB67_AE85
    @usableFromInline static let low32: UInt64 = 0xFFFF_FFFF

    /// Four random words for `counter` under `key`: ten Philox rounds.
    public static func block(counter: SIMD4<UInt32>, key: SIMD2<UInt32>) -> SIMD4<UInt32> {
        let words = blocks(
            Lanes(repeating: UInt64(counter.x)), Lanes(repeating: UInt64(counter.y)),
            Lanes(repeating: UInt64(counter.z)), Lanes(repeating: UInt64(counter.w)), key: key)
        return SIMD4(UInt32(words.0[0]), UInt32(words.1[0]), UInt32(words.2[0]), UInt32(words.3[0]))
    }

    /// The blocks of eight counters under one key: lane `l` of the result is
    /// word 0…3 of the block whose counter is lane `l` of `c0`…`c3` (32-bit
    /// words in 64-bit lanes; the results' high halves are zero).
    @inlinable @inline(__always)
    public static func blocks(
        _ c0: Lanes, _ c1: Lanes, _ c2: Lanes, _ c3: Lanes, key: SIMD2<UInt32>
    ) -> (Lanes, Lanes, Lanes, Lanes) {
        var x = (c0, c1, c2, c3)
        let (key0, key1) = (UInt64(key.x), UInt64(key.y))
        // Ten rounds, written out so that each is straight-line vector code.
        round(&x, key0, key1, 0)
        round(&x, key0, key1, 1)
        round(&x, key0, key1, 2)
        round(&x, key0, key1, 3)
        round(&x, key0, key1, 4)
        round(&x, key0, key1, 5)
        round(&x, key0, key1, 6)
        round(&x, key0, key1, 7)
        round(&x, key0, key1, 8)
        round(&x, key0, key1, 9)
        let (x0, x1, x2, x3) = x
        return (x0 & low32, x1 & low32, x2 & low32, x3 & low32)
    }

    /// Philox round `index` (0-based): the key is bumped by the Weyl constants
    /// `index` times. 32×32→64 products of the low halves; x1 and x3 keep a
    /// product's high half as garbage, which only ever reaches the next multiply's
    /// ignored high half (the results are masked at the end).
    @inlinable @inline(__always)
    static func round(_ x: inout (Lanes, Lanes, Lanes, Lanes), _ key0: UInt64, _ key1: UInt64, _ index: UInt64) {
        let roundKey0 = (key0 &+ index &* weyl0) & low32
        let roundKey1 = (key1 &+ index &* weyl1) & low32
        let product0 = (x.0 & low32) &* multiplier0
        let product1 = (x.2 & low32) &* multiplier1
        x = ((product1 &>> 32) ^ x.1 ^ roundKey0, product1, (product0 &>> 32) ^ x.3 ^ roundKey1, product0)
    }
}
