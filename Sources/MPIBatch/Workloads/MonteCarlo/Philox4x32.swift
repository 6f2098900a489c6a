/// The Philox4x32-10 counter-based generator (Salmon et al., "Parallel random
/// numbers: as easy as 1, 2, 3", SC 2011), as in Random123's `philox4x32_10`.
///
/// A pure function of a 128-bit counter and a 64-bit key: any block of the
/// stream is computed directly, so path `i` can be drawn on any rank.
public enum Philox4x32 {
    /// The rounds Random123 recommends and its known-answer vectors use.
    public static let rounds = 10

    @usableFromInline static let multiplier0: UInt32 = 0xD251_1F53
    @usableFromInline static let multiplier1: UInt32 = 0xCD9E_8D57
    @usableFromInline static let weyl0: UInt32 = 0x9E37_79B9
    @usableFromInline static let weyl1: UInt32 = 0xBB67_AE85

    /// Four random words for `counter` under `key`: ten Philox rounds.
    @inlinable
    public static func block(counter: SIMD4<UInt32>, key: SIMD2<UInt32>) -> SIMD4<UInt32> {
        let (x0, x1, x2, x3) = block(counter.x, counter.y, counter.z, counter.w, key: key.x, key.y)
        return SIMD4(x0, x1, x2, x3)
    }

    /// `block(counter:key:)` on scalars, the form the path streams use.
    @inlinable @inline(__always)
    static func block(
        _ c0: UInt32, _ c1: UInt32, _ c2: UInt32, _ c3: UInt32, key k0: UInt32, _ k1: UInt32
    ) -> (UInt32, UInt32, UInt32, UInt32) {
        var (x0, x1, x2, x3) = (c0, c1, c2, c3)
        var (key0, key1) = (k0, k1)
        for round in 0..<rounds {
            if round > 0 {
                key0 &+= weyl0
                key1 &+= weyl1
            }
            let product0 = UInt64(multiplier0) &* UInt64(x0)
            let product1 = UInt64(multiplier1) &* UInt64(x2)
            (x0, x1, x2, x3) = (
                UInt32(truncatingIfNeeded: product1 >> 32) ^ x1 ^ key0,
                UInt32(truncatingIfNeeded: product1),
                UInt32(truncatingIfNeeded: product0 >> 32) ^ x3 ^ key1,
                UInt32(truncatingIfNeeded: product0)
            )
        }
        return (x0, x1, x2, x3)
    }
}
