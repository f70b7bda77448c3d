// CyclePass.cpp — the cycle pass (docs/performance.md, "One cycle for every seed"): a block's codes,
// generated along the cycle, and its candidates, found by byte compares across neighbouring seeds,
// compiled once per instruction set and chosen at run time like the sieve bodies.

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "SieveKernelsCPU.h"

#pragma clang diagnostic push
#pragma clang diagnostic error "-Wall"
#pragma clang diagnostic error "-Wextra"

namespace cycle_generic {
#include "CyclePassBody.h"
}  // namespace cycle_generic

#if defined(__x86_64__)
#pragma clang attribute push(__attribute__((target("arch=x86-64-v3"))), apply_to = function)
namespace cycle_avx2 {
#include "CyclePassBody.h"
uint32_t run(const CyclePassArgs &a, const uint32_t *o, const uint8_t *ids, const uint8_t *codes, uint32_t *found,
             uint32_t capacity) {
    return cycle_block<32>(a, o, ids, codes, found, capacity);
}
}  // namespace cycle_avx2
#pragma clang attribute pop

#pragma clang attribute push(__attribute__((target("arch=x86-64-v4"), min_vector_width(512))), apply_to = function)
namespace cycle_avx512 {
#include "CyclePassBody.h"
uint32_t run(const CyclePassArgs &a, const uint32_t *o, const uint8_t *ids, const uint8_t *codes, uint32_t *found,
             uint32_t capacity) {
    return cycle_block<64>(a, o, ids, codes, found, capacity);
}
}  // namespace cycle_avx512
#pragma clang attribute pop
#endif

extern "C" uint32_t sieve_cpu_cycle_block(uint32_t isa, const CyclePassArgs *args, const uint32_t *offsets,
                                          const uint8_t *ids, const uint8_t *codes, uint32_t *found,
                                          uint32_t capacity) {
    if (isa >= sieve_cpu_isa_count() || !sieve_cpu_isa_supported(isa)) {
        isa = 0;
    }
#if defined(__x86_64__)
    if (isa == 2) {
        return cycle_avx512::run(*args, offsets, ids, codes, found, capacity);
    }
    if (isa == 1) {
        return cycle_avx2::run(*args, offsets, ids, codes, found, capacity);
    }
#endif
    return cycle_generic::cycle_block<16>(*args, offsets, ids, codes, found, capacity);
}

extern "C" void sieve_cpu_cycle_codes(uint32_t a, uint32_t b, uint32_t c, const uint32_t *states, uint32_t chains,
                                      uint32_t length, uint32_t modulus, const uint8_t *id_of, uint8_t *codes) {
    // Residues by Lemire's multiply-only reduction, exact for 32-bit values and moduli.
    const uint64_t magic = UINT64_MAX / modulus + 1;
    const uint32_t part = (length + chains - 1) / chains;
    uint32_t x[SIEVE_CYCLE_CHAINS];
    for (uint32_t k = 0; k < chains; ++k) {
        x[k] = states[k];
    }
    // The chains are independent: interleaved, their serial steps overlap.
    for (uint32_t t = 0; t < part; ++t) {
        for (uint32_t k = 0; k < chains; ++k) {
            const uint32_t at = k * part + t;
            if (at < length) {
                const uint32_t residue = uint32_t(((__uint128_t)(magic * x[k]) * modulus) >> 64);
                codes[at] = id_of[residue];
            }
            uint32_t y = x[k];
            y ^= y << a;
            y ^= y >> b;
            y ^= y << c;
            x[k] = y;
        }
    }
}

#pragma clang diagnostic pop
