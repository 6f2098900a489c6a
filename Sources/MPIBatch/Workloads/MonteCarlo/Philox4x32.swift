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
        var counter = counter
        var key = key
        for round in 0..<rounds {
            if round > 0 {
                key &+= SIMD2(weyl0, weyl1)
            }
            let product0 = UInt64(multiplier0) &* UInt64(counter[0])
            let product1 = UInt64(multiplier1) &* UInt64(counter[2])
            counter = SIMD4(
                UInt32(truncatingIfNeeded: product1 >> 32) ^ counter[1] ^ key[0],
                UInt32(truncatingIfNeeded: product1),
                UInt32(truncatingIfNeeded: product0 >> 32) ^ counter[3] ^ key[1],
                UInt32(truncatingIfNeeded: product0)
            )
        }
        return counter
    }
}
