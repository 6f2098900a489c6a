#ifndef CLANES_NORMALS_H
#define CLANES_NORMALS_H

/// The number of eight-lane normals `clanes_fill_normals` writes: 8 Philox
/// blocks of 4 words, each pair of words giving a pair of normals.
#define CLANES_NORMALS_PER_FILL 32

/// The next normals of eight paths, lane-wise: Philox4x32-10 under the key
/// (key0, key1) at counters (block, block >> 32, path low, path high) for the
/// blocks `first_block` … `first_block + 7`, each block's words (0, 1) and
/// (2, 3) through Box–Muller. Writes CLANES_NORMALS_PER_FILL vectors of eight
/// Doubles to `normals` (block b gives vectors 4b … 4b+3). `paths_low` and
/// `paths_high` are eight 64-bit lanes each, the low and high 32 bits of each
/// lane's path number.
///
/// Not inline: on x86-64 Linux a baseline build compiles it twice, for the
/// baseline (SSE2) and for AVX2, and the loader picks the one the CPU runs
/// (`target_clones`); the two give the same bits.
void clanes_fill_normals(
    unsigned key0, unsigned key1, const void *paths_low, const void *paths_high, unsigned long long first_block,
    void *normals);

#endif
