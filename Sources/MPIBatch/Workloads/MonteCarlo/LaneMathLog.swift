extension LaneMath {
    /// The natural logarithm of each lane, for positive normal finite lanes
    /// (other inputs give unspecified values). fdlibm's `__ieee754_log`
    /// reduction and polynomial (x = 2^k·m, √½ ≤ m < √2, log m = 2·atanh(f/(2+f)));
    /// error below 1 ulp, measured against Glibc's `log` in the tests.
    @inline(__always)
    static func log(_ x: Lanes) -> Lanes {
        let bits = bits(x)
        // m in [1, 2): x's mantissa with 1.0's exponent; halve it above √2.
        let mantissa = double(bits: bits & 0x000F_FFFF_FFFF_FFFF | 0x3FF0_0000_0000_0000)
        let isHigh = mantissa .> 1.414_213_562_373_095_1
        let m = mantissa.replacing(with: mantissa * 0.5, where: isHigh)
        // The biased exponent (sign bit clear), plus 1 where m was halved, as a Double.
        var exponent = bits &>> 52
        exponent.replace(with: exponent &+ 1, where: isHigh)
        let k = double(exactly: exponent) - 1023

        let f = m - 1
        let s = f / (2 + f)
        let z = s * s
        let w = z * z
        var t1 = w * 1.531_383_769_920_937_332e-01 + 2.222_219_843_214_978_396e-01
        t1 = (t1 * w + 3.999_999_999_940_941_908e-01) * w
        var t2 = w * 1.479_819_860_511_658_591e-01 + 1.818_357_216_161_805_012e-01
        t2 = t2 * w + 2.857_142_874_366_239_149e-01
        t2 = (t2 * w + 6.666_666_666_666_735_130e-01) * z
        let r = t1 + t2
        let halfSquare = 0.5 * f * f
        let ln2High = 6.931_471_803_691_238_164_90e-01
        let ln2Low = 1.908_214_929_270_587_700_02e-10
        return k * ln2High - ((halfSquare - (s * (halfSquare + r) + k * ln2Low)) - f)
    }
}
