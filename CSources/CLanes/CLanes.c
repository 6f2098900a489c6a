// The functions of CLanes that are not inline, the hot loops over buffers: each is
// compiled for more than one CPU level (see clanes_normals.h). The rest is in
// include/.
#include "CLanes.h"

#ifndef CLANES_DISPATCH  // defined empty by the test that compiles each level alone
#if defined(__x86_64__) && defined(__linux__) && !defined(__AVX2__)
// A baseline build: an AVX2 copy too, chosen at load time. Not FMA: contraction
// is off, so both copies compute the same operations and give the same bits.
#define CLANES_DISPATCH __attribute__((target_clones("avx2", "default")))
#else
#define CLANES_DISPATCH
#endif
#endif

CLANES_DISPATCH
void clanes_fill_normals(
    unsigned key0, unsigned key1, const void *paths_low, const void *paths_high, unsigned long long first_block,
    void *normals) {
    clanes_ulong8 low = *(const clanes_ulong8_in_memory *)paths_low;
    clanes_ulong8 high = *(const clanes_ulong8_in_memory *)paths_high;
    clanes_double8_in_memory *out = (clanes_double8_in_memory *)normals;
    for (unsigned long long offset = 0; offset < CLANES_NORMALS_PER_FILL / 4; offset++) {
        unsigned long long block = first_block + offset;
        clanes_philox_words words = clanes_philox_lanes(
            (clanes_ulong8)(block & 0xFFFFFFFFULL), (clanes_ulong8)(block >> 32), low, high, key0, key1);
        clanes_double8_pair first = clanes_box_muller_lanes(words.w0, words.w1);
        clanes_double8_pair second = clanes_box_muller_lanes(words.w2, words.w3);
        out[4 * offset] = first.first;
        out[4 * offset + 1] = first.second;
        out[4 * offset + 2] = second.first;
        out[4 * offset + 3] = second.second;
    }
}

CLANES_DISPATCH
void clanes_exp_many(void *values, long vectors) {
    clanes_double8_in_memory *lanes = (clanes_double8_in_memory *)values;
    for (long i = 0; i < vectors; i++) lanes[i] = clanes_exp(lanes[i]);
}

typedef double clanes_double4 __attribute__((ext_vector_type(4)));
typedef double clanes_double4_bytes __attribute__((ext_vector_type(4), aligned(1)));
typedef double clanes_double2 __attribute__((ext_vector_type(2)));
typedef long clanes_long2 __attribute__((ext_vector_type(2)));
typedef double clanes_double_bytes __attribute__((aligned(1)));

/// `yes` where `mask` is all ones, `no` where it is zero.
CLANES_INLINE clanes_double2 clanes_select2(clanes_long2 mask, clanes_double2 yes, clanes_double2 no) {
    return (clanes_double2)(((clanes_long2)yes & mask) | ((clanes_long2)no & ~mask));
}

/// Swift's `min(x, y)`, lane-wise: `y < x ? y : x` (which of two equal zeros it keeps included).
CLANES_INLINE clanes_double2 clanes_swift_min(clanes_double2 x, clanes_double2 y) {
    return clanes_select2((clanes_long2)(y < x), y, x);
}

/// Swift's `max(x, y)`, lane-wise: `y >= x ? y : x`.
CLANES_INLINE clanes_double2 clanes_swift_max(clanes_double2 x, clanes_double2 y) {
    return clanes_select2((clanes_long2)(y >= x), y, x);
}

CLANES_DISPATCH
int clanes_block_summary(const void *values, long count, double *out) {
    const unsigned char *bytes = (const unsigned char *)values;
    long whole = count & ~3L;
    clanes_double4 sums = 0;
    clanes_double2 lows = __builtin_inf(), highs = -__builtin_inf();
    for (long i = 0; i < whole; i += 4) {
        clanes_double4 v = *(const clanes_double4_bytes *)(bytes + 8 * i);
        sums += v;
        // Lane 0 folds values 4i and 4i + 1, lane 1 values 4i + 2 and 4i + 3.
        lows = clanes_swift_min(lows, clanes_swift_min(v.even, v.odd));
        highs = clanes_swift_max(highs, clanes_swift_max(v.even, v.odd));
    }
    for (long j = whole; j < count; j++) {
        double x = *(const clanes_double_bytes *)(bytes + 8 * j);
        sums.x += x;
        lows.x = x < lows.x ? x : lows.x;
        highs.x = x >= highs.x ? x : highs.x;
    }
    double total = (sums.x + sums.y) + (sums.z + sums.w);
    if (count == 0 || !__builtin_isfinite(total)) return 0;
    double mean = total / (double)count;
    clanes_double4 squares = 0;
    for (long i = 0; i < whole; i += 4) {
        clanes_double4 d = *(const clanes_double4_bytes *)(bytes + 8 * i) - mean;
        squares += d * d;
    }
    for (long j = whole; j < count; j++) {
        double d = *(const clanes_double_bytes *)(bytes + 8 * j) - mean;
        squares.x += d * d;
    }
    double m2 = (squares.x + squares.y) + (squares.z + squares.w);
    if (!__builtin_isfinite(m2)) return 0;
    out[0] = (double)count;
    out[1] = mean;
    out[2] = m2;
    out[3] = lows.y < lows.x ? lows.y : lows.x;
    out[4] = highs.y >= highs.x ? highs.y : highs.x;
    return 1;
}
