#ifndef CLANES_H
#define CLANES_H

// Lane-wise operations on eight lanes that Swift's SIMD types cannot express as
// one vector instruction. Clang's ext_vector_type(8) types are imported as
// SIMD8<Double>, SIMD8<UInt64> and SIMD8<UInt32>, and these static inline
// functions are inlined into the Swift caller as single vector operations.

typedef double clanes_double8 __attribute__((ext_vector_type(8)));
typedef unsigned long long clanes_ulong8 __attribute__((ext_vector_type(8)));
typedef unsigned int clanes_uint8 __attribute__((ext_vector_type(8)));

/// The square root of each lane (`sqrtpd`). Why C: on Linux, Swift's
/// `Double.squareRoot()` is C's `sqrt` with errno semantics, so
/// `SIMD8<Double>.squareRoot()` becomes eight scalar square roots, each with a
/// branch to libm for negative input; `__builtin_elementwise_sqrt` has no errno.
static inline clanes_double8 clanes_sqrt(clanes_double8 x) {
    return __builtin_elementwise_sqrt(x);
}

/// The low 32 bits of each lane (`vpmovqd`). Why C: `SIMD8<UInt32>(truncatingIfNeeded:)`
/// is a generic lane-by-lane loop that the optimiser leaves as an out-of-line call.
static inline clanes_uint8 clanes_narrow(clanes_ulong8 x) {
    return __builtin_convertvector(x, clanes_uint8);
}

#endif
