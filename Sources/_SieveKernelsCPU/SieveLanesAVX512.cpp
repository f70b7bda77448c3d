// SieveLanesAVX512.cpp — the sieve bodies of Shaders/ compiled for x86-64-v4 (AVX-512), with 512-bit vectors.
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

#pragma clang attribute push(__attribute__((target("arch=x86-64-v4"), min_vector_width(512))), apply_to = function)
// The streamed body's segment: 128 outputs a segment (64 lanes: 32 KB, within L1), not measured: this machine has no AVX-512 today.
#ifndef SIEVE_SEGMENT_OUTPUTS  // -Xcxx -DSIEVE_SEGMENT_OUTPUTS=N measures another size
#define SIEVE_SEGMENT_OUTPUTS 128
#endif
namespace sieve_avx512 {
using namespace metal;
#include "VectorLanes.h"
#include "SieveBody.h"
#include "SieveGroups.h"
}  // namespace sieve_avx512

#include "metal_shim_end.h"

void sieve_groups_avx512(uint32_t strategy, const SieveArgs *args, const uint32_t *draws, uint32_t *counter, SieveRecord *records,
        uint64_t begin, uint64_t end) {
    metal::atomic_uint *count = reinterpret_cast<metal::atomic_uint *>(counter);
    if (sieve_avx512_group_width(strategy, args) == 128u) {
        sieve_avx512::sieve_groups<sieve_avx512::VectorLanes<128>, 32u>(strategy, *args, draws, count, records, begin, end);
    } else {
        sieve_avx512::sieve_groups<sieve_avx512::VectorLanes<64> >(strategy, *args, draws, count, records, begin, end);
    }
}
#pragma clang attribute pop

#pragma clang diagnostic pop

#endif  // __x86_64__
