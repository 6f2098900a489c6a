#ifndef CLANES_BOX_MULLER_H
#define CLANES_BOX_MULLER_H

#include "clanes_log.h"
#include "clanes_sincos.h"

/// Two independent standard normals per lane from two 32-bit words (in 64-bit
/// lanes), Box–Muller, branch-free: r = √(−2 ln u) with u = (radius + ½)/2^32,
/// and (r cos θ, r sin θ) with θ the quarter-turn angle of `angle`
/// (`clanes_sincos_lanes`). Each normal is within a few ulp of the exact
/// transform of the same words. Range: u ≥ 2^-33, so |z| ≤ √(66 ln 2) ≈ 6.76;
/// the tail beyond (probability 1.3·10⁻¹¹) is cut.
CLANES_INLINE clanes_double8_pair clanes_box_muller_lanes(clanes_ulong8 radius, clanes_ulong8 angle) {
    clanes_double8 u = (clanes_exactly(radius) + 0.5) * 0x1p-32;
    clanes_double8 r = clanes_sqrt(-2 * clanes_log(u));
    clanes_double8_pair turn = clanes_sincos_lanes(angle);
    clanes_double8_pair normals = {r * turn.first, r * turn.second};
    return normals;
}

/// `clanes_box_muller_lanes` for Swift: the pair into `normals`, two vectors of eight Doubles.
CLANES_INLINE void clanes_box_muller(clanes_ulong8 radius, clanes_ulong8 angle, void *normals) {
    clanes_double8_pair pair = clanes_box_muller_lanes(radius, angle);
    clanes_double8_in_memory *out = (clanes_double8_in_memory *)normals;
    out[0] = pair.first;
    out[1] = pair.second;
}

#endif
