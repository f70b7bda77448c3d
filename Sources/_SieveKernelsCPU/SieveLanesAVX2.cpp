// SieveLanesAVX2.cpp — the sieve bodies of Shaders/ compiled for x86-64-v3 (AVX2).
//
// The attribute pragma gives every function declared below it, templates included, this target,
// and the namespace keeps these instances apart from the other variants' (one definition each).

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "LaneVariants.h"

#if defined(__x86_64__)

#pragma clang diagnostic push
#pragma clang diagnostic error "-Wall"
#pragma clang diagnostic error "-Wextra"
#pragma clang diagnostic ignored "-Wpsabi"

#include <metal_stdlib>

#pragma clang attribute push(__attribute__((target("arch=x86-64-v3"))), apply_to = function)
// The streamed body's segment: 256 outputs a segment (32 lanes: 32 KB): 1.5-1.8x faster than 64 on T-xs32 and T-mt, measured; 1024 no better.
#ifndef SIEVE_SEGMENT_OUTPUTS  // -Xcxx -DSIEVE_SEGMENT_OUTPUTS=N measures another size
#define SIEVE_SEGMENT_OUTPUTS 256
#endif
namespace sieve_avx2 {
using namespace metal;
#include "VectorLanes.h"
#include "SieveBody.h"
#include "SieveGroups.h"
}  // namespace sieve_avx2

#include "metal_shim_end.h"

void sieve_groups_avx2(uint32_t strategy, const SieveArgs *args, const uint32_t *draws, uint32_t *counter, SieveRecord *records,
        uint64_t begin, uint64_t end) {
    sieve_avx2::sieve_groups<sieve_avx2::VectorLanes<32> >(strategy, *args, draws, reinterpret_cast<metal::atomic_uint *>(counter),
                                              records, begin, end);
}
#pragma clang attribute pop

#pragma clang diagnostic pop

#endif  // __x86_64__
