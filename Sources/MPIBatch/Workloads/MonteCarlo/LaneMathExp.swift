extension LaneMath {
    /// e^x in each lane: 0 below −745.2, +∞ above 709.8, NaN for NaN. x = k·ln2 + r
    /// with |r| ≤ ln2/2 (Cody–Waite, fdlibm's two-part ln 2), e^r by its Taylor
    /// series to r^13 (truncation below 2^-57), then scaled by 2^k in two exact
    /// halves so that subnormal results and overflow come out right. Error below
    /// 1 ulp plus the rounding of 13 Horner steps, ~2 ulp; measured against Glibc's
    /// `exp` in the tests.
    @inlinable @inline(__always)
    public static func exp(_ x: Lanes) -> Lanes {
        // Clamped so that k stays small; NaN passes through (compares false) to a NaN result.
        let clamped = x.replacing(with: -746, where: x .< -746).replacing(with: 710, where: x .> 710)
        // k = round(x / ln 2) by the 1.5·2^52 trick: k's two's complement lands in the low bits.
        let shifted = clamped * 1.442_695_040_888_963_387_00 + 0x1.8p52
        let k = shifted - 0x1.8p52
        let r = (clamped - k * 6.931_471_803_691_238_164_90e-01) - k * 1.908_214_929_270_587_700_02e-10
        var p = r * (1 / 6_227_020_800.0) + 1 / 479_001_600.0
        p = p * r + 1 / 39_916_800.0
        p = p * r + 1 / 3_628_800.0
        p = p * r + 1 / 362_880.0
        p = p * r + 1 / 40_320.0
        p = p * r + 1 / 5_040.0
        p = p * r + 1 / 720.0
        p = p * r + 1 / 120.0
        p = p * r + 1 / 24.0
        p = p * r + 1 / 6.0
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        // 2^k = 2^(k/2)·2^(k − k/2), each factor a normal Double for |k| ≤ 1077.
        let kBits = SIMD8<Int64>(truncatingIfNeeded: bits(shifted) & 0x000F_FFFF_FFFF_FFFF) &- 0x8_0000_0000_0000
        let half = kBits &>> 1
        let scale1 = double(bits: SIMD8<UInt64>(truncatingIfNeeded: (half &+ 1023) &<< 52))
        let scale2 = double(bits: SIMD8<UInt64>(truncatingIfNeeded: (kBits &- half &+ 1023) &<< 52))
        return p * scale1 * scale2
    }
}
