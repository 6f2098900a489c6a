#ifndef CLANES_EXP_H
#define CLANES_EXP_H

#include "clanes_types.h"

/// e^x in each lane: 0 below −745.2, +∞ above 709.8, NaN for NaN. x = k·ln2 + r
/// with |r| ≤ ln2/2 (Cody–Waite, fdlibm's two-part ln 2), e^r by its Taylor
/// series to r^13 (truncation below 2^-57) summed by Estrin's scheme (a
/// dependency chain of 4 multiply-adds instead of Horner's 13, so that a path's
/// successive steps overlap), then scaled by 2^k in two exact halves so that
/// subnormal results and overflow come out right. Error below 1 ulp plus the
/// rounding of the sum, ~2 ulp; measured against Glibc's `exp` in the tests.
CLANES_INLINE clanes_double8 clanes_exp(clanes_double8 x) {
    // Clamped so that k stays small; NaN passes through (compares false) to a NaN result.
    clanes_double8 clamped = clanes_select((clanes_ulong8)(x < -746.0), (clanes_double8)(-746.0), x);
    clamped = clanes_select((clanes_ulong8)(clamped > 710.0), (clanes_double8)(710.0), clamped);
    // k = round(x / ln 2) by the 1.5·2^52 trick: k's two's complement lands in the low bits.
    clanes_double8 shifted = clamped * 1.44269504088896338700 + 0x1.8p52;
    clanes_double8 k = shifted - 0x1.8p52;
    clanes_double8 r = (clamped - k * 6.93147180369123816490e-01) - k * 1.90821492927058770002e-10;
    clanes_double8 r2 = r * r;
    clanes_double8 r4 = r2 * r2;
    clanes_double8 r8 = r4 * r4;
    clanes_double8 q0 = 1 + r;
    clanes_double8 q1 = 1 / 2.0 + r * (1 / 6.0);
    clanes_double8 q2 = 1 / 24.0 + r * (1 / 120.0);
    clanes_double8 q3 = 1 / 720.0 + r * (1 / 5040.0);
    clanes_double8 q4 = 1 / 40320.0 + r * (1 / 362880.0);
    clanes_double8 q5 = 1 / 3628800.0 + r * (1 / 39916800.0);
    clanes_double8 q6 = 1 / 479001600.0 + r * (1 / 6227020800.0);
    clanes_double8 low = (q0 + r2 * q1) + r4 * (q2 + r2 * q3);
    clanes_double8 high = (q4 + r2 * q5) + r4 * q6;
    clanes_double8 p = low + r8 * high;
    // 2^k = 2^(k/2)·2^(k − k/2), each factor a normal Double for |k| ≤ 1077.
    clanes_long8 kBits = (clanes_long8)(clanes_bits(shifted) & 0x000FFFFFFFFFFFFFULL) - 0x8000000000000L;
    clanes_long8 half = kBits >> 1;
    clanes_double8 scale1 = clanes_from_bits((clanes_ulong8)((half + 1023) << 52));
    clanes_double8 scale2 = clanes_from_bits((clanes_ulong8)((kBits - half + 1023) << 52));
    return p * scale1 * scale2;
}

/// `clanes_exp` of `vectors` vectors of eight Doubles in place (`values` holds
/// 8·vectors Doubles): many independent exponentials at once, which overlap,
/// and on x86-64 Linux from a baseline build in the AVX2 copy where the CPU has
/// one (see `clanes_fill_normals`). The same bits as `clanes_exp`.
void clanes_exp_many(void *values, long vectors);

#endif
