// SieveLanesGeneric.cpp — the sieve bodies of Shaders/ compiled for any CPU (the compiler's baseline).
//
// The attribute pragma gives every function declared below it, templates included, this target,
// and the namespace keeps these instances apart from the other variants' (one definition each).

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "LaneVariants.h"

#pragma clang diagnostic push
#pragma clang diagnostic error "-Wall"
#pragma clang diagnostic error "-Wextra"
#pragma clang diagnostic ignored "-Wpsabi"

#include <metal_stdlib>


// The streamed body's segment: 256 outputs a segment (8 lanes: 8 KB), as for AVX2 (not measured separately).
#ifndef SIEVE_SEGMENT_OUTPUTS  // -Xcxx -DSIEVE_SEGMENT_OUTPUTS=N measures another size
#define SIEVE_SEGMENT_OUTPUTS 256
#endif
namespace sieve_generic {
using namespace metal;
#include "VectorLanes.h"
#include "SieveBody.h"
#include "SieveGroups.h"
}  // namespace sieve_generic

#include "metal_shim_end.h"

void sieve_groups_generic(uint32_t strategy, const SieveArgs *args, const uint32_t *draws, uint32_t *counter, SieveRecord *records,
        uint64_t begin, uint64_t end) {
    sieve_generic::sieve_groups<sieve_generic::VectorLanes<8> >(strategy, *args, draws, reinterpret_cast<metal::atomic_uint *>(counter),
                                              records, begin, end);
}

#pragma clang diagnostic pop
