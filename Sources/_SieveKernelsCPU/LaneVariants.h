// LaneVariants.h — the sieve's vector-lane bodies, compiled once per instruction set.

#ifndef SIEVE_LANE_VARIANTS_H
#define SIEVE_LANE_VARIANTS_H

#include <stdint.h>

#include "SieveKernelsCPU.h"

typedef void (*SieveGroupsFunction)(uint32_t strategy, const SieveArgs *args, const uint32_t *draws, uint32_t *counter,
                                    SieveRecord *records, uint64_t group_begin, uint64_t group_end);

/// Any CPU: 8 lanes of 32 bits.
void sieve_groups_generic(uint32_t, const SieveArgs *, const uint32_t *, uint32_t *, SieveRecord *, uint64_t, uint64_t);
#if defined(__x86_64__)
/// x86-64-v3 (AVX2, BMI2, FMA): 32 lanes.
void sieve_groups_avx2(uint32_t, const SieveArgs *, const uint32_t *, uint32_t *, SieveRecord *, uint64_t, uint64_t);
/// x86-64-v4 (AVX-512 F, BW, CD, DQ, VL) with 512-bit vectors: 64 lanes (four vectors in flight).
void sieve_groups_avx512(uint32_t, const SieveArgs *, const uint32_t *, uint32_t *, SieveRecord *, uint64_t, uint64_t);
#endif

#if defined(__x86_64__)
/// Seeds per lane group of the AVX-512 variant: 64, but 128 for mt19937's streamed body over at most
/// 32 skips (its seeding is a serial chain, so more independent vectors in flight pay; its
/// per-skip counters are sized for 32 skips then, which keeps them small).
static inline uint32_t sieve_avx512_group_width(uint32_t strategy, const SieveArgs *args) {
    return args->params.family == PRNG_MT19937 && strategy == SIEVE_CPU_STREAMED && args->skip_max - args->skip_min < 32u
               ? 128u
               : 64u;
}
#endif

#endif  // SIEVE_LANE_VARIANTS_H
