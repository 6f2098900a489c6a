#ifndef CLANES_SINCOS_H
#define CLANES_SINCOS_H

#include "clanes_types.h"

/// The cosine (`first`) and sine (`second`) of each lane's angle 2π·t, for
/// `turn` t given as 32 bits (32-bit words in 64-bit lanes): the top two bits
/// pick the quadrant, the other 30 an angle in it, (n + ½)/2^30 of a quarter
/// turn (never on a quadrant's edge). So a uniform word gives a uniform angle
/// with no range reduction, and the cosine and sine are fdlibm's
/// `__kernel_cos`/`__kernel_sin` polynomials on [−π/4, π/4] (error below 1 ulp),
/// rotated by the quadrant with sign flips and a swap.
CLANES_INLINE clanes_double8_pair clanes_sincos_lanes(clanes_ulong8 turn) {
    clanes_ulong8 quadrant = turn >> 30;
    clanes_double8 fraction = clanes_exactly(turn & 0x3FFFFFFFULL);
    // x in (−π/4, π/4): the offset within the quadrant, centred.
    clanes_double8 x = ((fraction + 0.5) * 0x1p-30 - 0.5) * (3.141592653589793 / 2);
    clanes_double8 z = x * x;
    clanes_double8 sinTail = z * 1.58969099521155010221e-10 - 2.50507602534068634195e-08;
    sinTail = sinTail * z + 2.75573137070700676789e-06;
    sinTail = sinTail * z - 1.98412698298579493134e-04;
    sinTail = sinTail * z + 8.33333333332248946124e-03;
    sinTail = sinTail * z - 1.66666666666666324348e-01;
    clanes_double8 sinX = x + x * z * sinTail;
    clanes_double8 r = z * -1.13596475577881948265e-11 + 2.08757232129817482790e-09;
    r = r * z - 2.75573143513906633035e-07;
    r = r * z + 2.48015872894767294178e-05;
    r = r * z - 1.38888888888741095749e-03;
    r = (r * z + 4.16666666666666019037e-02) * z;
    clanes_double8 halfZ = 0.5 * z;
    clanes_double8 w = 1 - halfZ;
    clanes_double8 cosX = w + (((1 - w) - halfZ) + z * r);
    // Quadrant q turns (cos x, sin x) by q·π/2: q = 1 gives (−sin, cos), 2 gives
    // (−cos, −sin), 3 gives (sin, −cos). Swap on odd q, then flip signs.
    clanes_ulong8 swap = 0 - (quadrant & 1);
    clanes_ulong8 exchanged = (clanes_bits(cosX) ^ clanes_bits(sinX)) & swap;
    clanes_ulong8 flipFirst = ((quadrant ^ (quadrant >> 1)) & 1) << 63;
    clanes_ulong8 flipSecond = (quadrant >> 1) << 63;
    clanes_double8_pair result = {
        clanes_from_bits(clanes_bits(cosX) ^ exchanged ^ flipFirst),
        clanes_from_bits(clanes_bits(sinX) ^ exchanged ^ flipSecond),
    };
    return result;
}

/// `clanes_sincos_lanes` for Swift: the cosines then the sines into `pair`, two
/// vectors of eight Doubles.
CLANES_INLINE void clanes_sincos_turn(clanes_ulong8 turn, void *pair) {
    clanes_double8_pair result = clanes_sincos_lanes(turn);
    clanes_double8_in_memory *out = (clanes_double8_in_memory *)pair;
    out[0] = result.first;
    out[1] = result.second;
}

#endif
