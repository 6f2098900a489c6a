#ifndef CLANES_H
#define CLANES_H

// Lane-wise arithmetic on eight lanes, for the Monte Carlo hot loops.
//
// Why C: Swift's SIMD8<Double> arithmetic is a loop over the lanes that LLVM's
// SLP vectoriser re-vectorises only in part (two lanes at a time, with scalar
// leftovers, measured on an AVX2 build), and a lane mask from a comparison is
// packed to bytes and back or built one lane at a time through memory. Clang's
// ext_vector_type(8) types are eight lanes in the IR, imported into Swift as
// SIMD8<Double>, SIMD8<UInt64> and SIMD8<UInt32>; these static inline functions
// are inlined into the Swift caller as whole-width vector code (four xmm on
// SSE2, two ymm on AVX2, one zmm on AVX-512).
//
// Reproducibility: only additions, multiplications, divisions, square roots and
// integer bit operations, each correctly rounded and never fused (contraction
// is off below), so every function gives the same bits on any x86-64 or arm64
// build, whatever vector width the compiler picks.

#include "clanes_types.h"
#include "clanes_exp.h"
#include "clanes_log.h"
#include "clanes_sincos.h"
#include "clanes_philox.h"
#include "clanes_box_muller.h"
#include "clanes_normals.h"
#include "clanes_summary.h"

#endif
