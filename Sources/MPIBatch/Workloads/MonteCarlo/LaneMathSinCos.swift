extension LaneMath {
    /// The cosine and sine of each lane's angle 2π·t, for `turn` t given as 32
    /// bits: the top two bits pick the quadrant, the other 30 an angle in it,
    /// (n + ½)/2^30 of a quarter turn (never on a quadrant's edge). So a uniform
    /// word gives a uniform angle with no range reduction, and the cosine and
    /// sine are fdlibm's `__kernel_cos`/`__kernel_sin` polynomials on
    /// [−π/4, π/4] (error below 1 ulp), rotated by the quadrant with sign flips
    /// and a swap.
    /// (`turn` holds 32-bit words in 64-bit lanes.)
    @inline(__always)
    static func sinCos(turn: SIMD8<UInt64>) -> (cos: Lanes, sin: Lanes) {
        let quadrant = turn &>> 30
        let fraction = double(exactly: turn & 0x3FFF_FFFF)
        // x in (−π/4, π/4): the offset within the quadrant, centred.
        let x = ((fraction + 0.5) * 0x1p-30 - 0.5) * (Double.pi / 2)
        let z = x * x
        var sinTail = z * 1.589_690_995_211_550_102_21e-10 - 2.505_076_025_340_686_341_95e-08
        sinTail = sinTail * z + 2.755_731_370_707_006_767_89e-06
        sinTail = sinTail * z - 1.984_126_982_985_794_931_34e-04
        sinTail = sinTail * z + 8.333_333_333_322_489_461_24e-03
        sinTail = sinTail * z - 1.666_666_666_666_663_243_48e-01
        let sinX = x + x * z * sinTail
        var r = z * -1.135_964_755_778_819_482_65e-11 + 2.087_572_321_298_174_827_90e-09
        r = r * z - 2.755_731_435_139_066_330_35e-07
        r = r * z + 2.480_158_728_947_672_941_78e-05
        r = r * z - 1.388_888_888_887_410_957_49e-03
        r = (r * z + 4.166_666_666_666_660_190_37e-02) * z
        let halfZ = 0.5 * z
        let w = 1 - halfZ
        let cosX = w + (((1 - w) - halfZ) + z * r)
        // Quadrant q turns (cos x, sin x) by q·π/2: q = 1 gives (−sin, cos), 2 gives
        // (−cos, −sin), 3 gives (sin, −cos). Swap on odd q, then flip signs.
        let swap = quadrant & 1 .== 1
        let first = cosX.replacing(with: sinX, where: swap)
        let second = sinX.replacing(with: cosX, where: swap)
        let flipFirst = ((quadrant ^ (quadrant &>> 1)) & 1) &<< 63
        let flipSecond = (quadrant &>> 1) &<< 63
        return (double(bits: bits(first) ^ flipFirst), double(bits: bits(second) ^ flipSecond))
    }
}
