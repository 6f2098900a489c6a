#ifndef CLANES_TYPES_H
#define CLANES_TYPES_H

// No a*b+c may become a fused multiply-add: results must not depend on the CPU.
#pragma clang fp contract(off)
// Every function here is inlined into its caller, even in a debug build: an
// eight-lane vector passed in a call would use a different calling convention
// in the AVX2 copies of the out-of-line loops (CLanes.c) than in a function
// compiled for the baseline, and garble the lanes. The out-of-line functions
// take pointers. So no vector ever crosses a call, and the warning about that
// convention does not apply.
#define CLANES_INLINE static inline __attribute__((always_inline))
#pragma clang diagnostic ignored "-Wpsabi"

typedef double clanes_double8 __attribute__((ext_vector_type(8)));
typedef unsigned long long clanes_ulong8 __attribute__((ext_vector_type(8)));
typedef long clanes_long8 __attribute__((ext_vector_type(8)));
typedef unsigned int clanes_uint8 __attribute__((ext_vector_type(8)));
/// Eight Doubles or words in memory aligned only as one Double is: a Swift
/// `SIMD8` (or a buffer of them) reached through a `void *`. Swift imports a
/// pointer to a vector type as an opaque one; a `void *` takes the raw address
/// of any Swift value (`withUnsafeMutableBytes(of:)`).
typedef double clanes_double8_in_memory __attribute__((ext_vector_type(8), aligned(8)));
typedef unsigned long long clanes_ulong8_in_memory __attribute__((ext_vector_type(8), aligned(8)));

/// Two vectors of eight Doubles, a pair of results (C only: Swift cannot import it).
typedef struct {
    clanes_double8 first, second;
} clanes_double8_pair;

/// The IEEE bits of each lane.
CLANES_INLINE clanes_ulong8 clanes_bits(clanes_double8 x) { return (clanes_ulong8)x; }

/// The Doubles with these IEEE bits.
CLANES_INLINE clanes_double8 clanes_from_bits(clanes_ulong8 bits) { return (clanes_double8)bits; }

/// `yes` where `mask` is all ones, `no` where it is zero (a comparison's result).
CLANES_INLINE clanes_double8 clanes_select(clanes_ulong8 mask, clanes_double8 yes, clanes_double8 no) {
    return clanes_from_bits((clanes_bits(yes) & mask) | (clanes_bits(no) & ~mask));
}

/// All ones in the lanes where x ≥ bound or x ≤ −bound, zero elsewhere (and for NaN).
CLANES_INLINE clanes_ulong8 clanes_outside(clanes_double8 x, double bound) {
    return (clanes_ulong8)((x >= bound) | (x <= -bound));
}

/// Each 32-bit lane widened to 64 bits (`vpmovzxdq`; Swift's
/// `SIMD8<UInt64>(truncatingIfNeeded:)` is a generic lane-by-lane loop).
CLANES_INLINE clanes_ulong8 clanes_widen(clanes_uint8 x) {
    return __builtin_convertvector(x, clanes_ulong8);
}

/// Each lane's integer n (0 ≤ n < 2^52) as a Double, exactly: n's bits in the
/// mantissa of 2^52, minus 2^52 (no int→double instruction needed, so it is
/// vector code on every target).
CLANES_INLINE clanes_double8 clanes_exactly(clanes_ulong8 n) {
    return clanes_from_bits(n | 0x4330000000000000ULL) - 0x1p52;
}

/// The square root of each lane (`sqrtpd`; `__builtin_elementwise_sqrt` has no
/// errno, unlike C's `sqrt`, which Swift's `squareRoot()` calls on Linux).
CLANES_INLINE clanes_double8 clanes_sqrt(clanes_double8 x) {
    return __builtin_elementwise_sqrt(x);
}

/// The low 32 bits of each lane (`vpmovqd`). Why C: `SIMD8<UInt32>(truncatingIfNeeded:)`
/// is a generic lane-by-lane loop that the optimiser leaves as an out-of-line call.
CLANES_INLINE clanes_uint8 clanes_narrow(clanes_ulong8 x) {
    return __builtin_convertvector(x, clanes_uint8);
}

/// The uniform (n + ½)·2^-52 in the open interval (0, 1), for n the top 52 of
/// the 64 bits `high:low` (32-bit words in 64-bit lanes).
CLANES_INLINE clanes_double8 clanes_uniform(clanes_ulong8 high, clanes_ulong8 low) {
    clanes_ulong8 bits = high << 32 | low;
    return (clanes_exactly(bits >> 12) + 0.5) * 0x1p-52;
}

#endif
