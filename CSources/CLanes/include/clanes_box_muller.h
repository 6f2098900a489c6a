#ifndef CLANES_BOX_MULLER_H
#define CLANES_BOX_MULLER_H

#include "clanes_log.h"
#include "clanes_sincos.h"

/// Box–Muller, branch-free, on `pairs` pairs of eight-lane vectors: pair p reads
/// the radius words `words[16p ..< 16p+8]` and the angle words
/// `words[16p+8 ..< 16p+16]` (32-bit words in 64-bit lanes) and writes two
/// independent standard normals per lane, `normals[16p ..< 16p+8]` then
/// `normals[16p+8 ..< 16p+16]`. r = √(−2 ln u) with u = (radius + ½)/2^32, and
/// (r cos θ, r sin θ) with θ the quarter-turn angle of the angle word
/// (`clanes_sincos_turn`). Each normal is within a few ulp of the exact
/// transform of the same words. Range: u ≥ 2^-33, so |z| ≤ √(66 ln 2) ≈ 6.76;
/// the tail beyond (probability 1.3·10⁻¹¹) is cut.
static inline void clanes_box_muller(const unsigned long long *words, double *normals, long pairs) {
    for (long pair = 0; pair < pairs; pair++) {
        clanes_ulong8 radius = *(const clanes_ulong8_in_memory *)(words + 16 * pair);
        clanes_ulong8 angle = *(const clanes_ulong8_in_memory *)(words + 16 * pair + 8);
        clanes_double8 u = (clanes_exactly(radius) + 0.5) * 0x1p-32;
        clanes_double8 r = clanes_sqrt(-2 * clanes_log(u));
        double cos[8], sin[8];
        clanes_sincos_turn(angle, cos, sin);
        *(clanes_double8_in_memory *)(normals + 16 * pair) = r * *(clanes_double8_in_memory *)cos;
        *(clanes_double8_in_memory *)(normals + 16 * pair + 8) = r * *(clanes_double8_in_memory *)sin;
    }
}

#endif
