#ifndef CLANES_SUMMARY_H
#define CLANES_SUMMARY_H

/// Count, mean, M2, minimum and maximum of the `count` Doubles at `values`
/// (native, aligned only as bytes: a float64 frame's payload where it was
/// received), the way `MonteCarloBlockValues.summary` defines them, bit for
/// bit: four lanes summed in order (lane k takes values 4i + k, the last
/// count mod 4 go to lane 0), the sum (s0 + s1) + (s2 + s3), the mean from it,
/// M2 from the squared deviations from the mean summed the same way; the
/// minimum and maximum as Swift's `min` and `max` fold them pair by pair.
/// Writes count, mean, M2, minimum and maximum to `out` and returns 1; returns
/// 0 (writing nothing) when count is 0 or the sum or M2 is not finite (a value
/// is NaN or infinite, or a sum overflowed).
///
/// Not inline: compiled for the baseline and for AVX2 (see clanes_normals.h),
/// which give the same bits.
int clanes_block_summary(const void *values, long count, double *out);

#endif
