#ifndef CLANES_LOG_H
#define CLANES_LOG_H

#include "clanes_types.h"

/// The natural logarithm of each lane, for positive normal finite lanes (other
/// inputs give unspecified values). fdlibm's `__ieee754_log` reduction and
/// polynomial (x = 2^k·m, √½ ≤ m < √2, log m = 2·atanh(f/(2+f))); error below
/// 1 ulp, measured against Glibc's `log` in the tests.
CLANES_INLINE clanes_double8 clanes_log(clanes_double8 x) {
    clanes_ulong8 bits = clanes_bits(x);
    // m in [1, 2): x's mantissa with 1.0's exponent; halve it above √2.
    clanes_double8 mantissa = clanes_from_bits((bits & 0x000FFFFFFFFFFFFFULL) | 0x3FF0000000000000ULL);
    clanes_ulong8 isHigh = (clanes_ulong8)(mantissa > 1.4142135623730951);
    clanes_double8 m = clanes_select(isHigh, mantissa * 0.5, mantissa);
    // The biased exponent (sign bit clear), plus 1 where m was halved (isHigh is −1 there).
    clanes_ulong8 exponent = (bits >> 52) - isHigh;
    clanes_double8 k = clanes_exactly(exponent) - 1023;

    clanes_double8 f = m - 1;
    clanes_double8 s = f / (2 + f);
    clanes_double8 z = s * s;
    clanes_double8 w = z * z;
    clanes_double8 t1 = w * 1.531383769920937332e-01 + 2.222219843214978396e-01;
    t1 = (t1 * w + 3.999999999940941908e-01) * w;
    clanes_double8 t2 = w * 1.479819860511658591e-01 + 1.818357216161805012e-01;
    t2 = t2 * w + 2.857142874366239149e-01;
    t2 = (t2 * w + 6.666666666666735130e-01) * z;
    clanes_double8 r = t1 + t2;
    clanes_double8 halfSquare = 0.5 * f * f;
    const double ln2High = 6.93147180369123816490e-01;
    const double ln2Low = 1.90821492927058770002e-10;
    return k * ln2High - ((halfSquare - (s * (halfSquare + r) + k * ln2Low)) - f);
}

#endif
