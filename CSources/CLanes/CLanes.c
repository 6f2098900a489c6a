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
