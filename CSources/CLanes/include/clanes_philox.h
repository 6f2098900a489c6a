#ifndef CLANES_PHILOX_H
#define CLANES_PHILOX_H

#include "clanes_types.h"

// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3",
// SC 2011), as in Random123's `philox4x32_10`, for eight counters at once: lane
// l of each result is word 0…3 of the block whose counter is lane l of c0…c3.
// 32-bit words sit in 64-bit lanes, the form the widening multiply (`pmuludq`)
// takes, so that no lane ever needs converting.

/// The four words of eight blocks (C only: Swift cannot import it).
typedef struct {
    clanes_ulong8 w0, w1, w2, w3;
} clanes_philox_words;

/// Philox round `index` (0-based): the key is bumped by the Weyl constants
/// `index` times. 32×32→64 products of the low halves; x1 and x3 keep a
/// product's high half as garbage, which only ever reaches the next multiply's
/// ignored high half (the results are masked at the end).
CLANES_INLINE clanes_philox_words clanes_philox_round(
    clanes_philox_words x, unsigned long long key0, unsigned long long key1, unsigned long long index) {
    const unsigned long long low32 = 0xFFFFFFFFULL;
    unsigned long long roundKey0 = (key0 + index * 0x9E3779B9ULL) & low32;
    unsigned long long roundKey1 = (key1 + index * 0xBB67AE85ULL) & low32;
    clanes_ulong8 product0 = (x.w0 & low32) * 0xD2511F53ULL;
    clanes_ulong8 product1 = (x.w2 & low32) * 0xCD9E8D57ULL;
    clanes_philox_words next = {
        (product1 >> 32) ^ x.w1 ^ roundKey0, product1, (product0 >> 32) ^ x.w3 ^ roundKey1, product0};
    return next;
}

/// The blocks of counters c0…c3 under the key (key0, key1): ten rounds.
CLANES_INLINE clanes_philox_words clanes_philox_lanes(
    clanes_ulong8 c0, clanes_ulong8 c1, clanes_ulong8 c2, clanes_ulong8 c3, unsigned key0, unsigned key1) {
    clanes_philox_words x = {c0, c1, c2, c3};
#pragma clang loop unroll(full)
    for (unsigned long long index = 0; index < 10; index++) x = clanes_philox_round(x, key0, key1, index);
    const unsigned long long low32 = 0xFFFFFFFFULL;
    clanes_philox_words words = {x.w0 & low32, x.w1 & low32, x.w2 & low32, x.w3 & low32};
    return words;
}

/// The blocks of eight counters: `counters` holds c0…c3, eight 64-bit lanes
/// each (32-bit values); `words` receives words 0…3 the same way.
CLANES_INLINE void clanes_philox(const void *counters, unsigned key0, unsigned key1, void *words) {
    const clanes_ulong8_in_memory *c = (const clanes_ulong8_in_memory *)counters;
    clanes_philox_words x = clanes_philox_lanes(c[0], c[1], c[2], c[3], key0, key1);
    clanes_ulong8_in_memory *out = (clanes_ulong8_in_memory *)words;
    out[0] = x.w0;
    out[1] = x.w1;
    out[2] = x.w2;
    out[3] = x.w3;
}

#endif
