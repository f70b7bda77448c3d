// LaneKernels.cpp — the family bodies of Shaders/ instantiated with vector lanes (VectorLanes.h), and
// the run-time choice among the sieve's instruction-set variants (SieveLanes*.cpp).
//
// `sieve_cpu_generate_lanes` computes exactly what the `prng_generate` kernel computes, N seeds per
// call of the family body instead of one; a test holds the two equal for every family.

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "SieveKernelsCPU.h"
#include "LaneVariants.h"
#include "VectorLanes.h"

#pragma clang diagnostic push
#pragma clang diagnostic error "-Wall"
#pragma clang diagnostic error "-Wextra"
#pragma clang diagnostic ignored "-Wpsabi"

#include <metal_stdlib>

namespace sieve_lanes {
using namespace metal;
#include "Families.h"
}  // namespace sieve_lanes

#include "metal_shim_end.h"

namespace {

using namespace sieve_lanes;
typedef VectorLanes<8> Lanes8;

// A family's seed lane type is L::U (32-bit seeds) or L::U64; convert a 64-bit seed vector to it.
template <typename L>
inline typename L::U64 seed_lanes(typename L::U64 seeds, typename L::U64 *) { return seeds; }
template <typename L>
inline typename L::U seed_lanes(typename L::U64 seeds, typename L::U *) { return L::narrow(seeds); }

// Outputs are L::U or L::U64; widen to 64 bits for the caller.
template <typename L>
inline typename L::U64 output_lanes(typename L::U64 out) { return out; }
template <typename L>
inline typename L::U64 output_lanes(typename L::U out) { return L::widen(out); }

template <typename F, typename L>
void generate_lanes(const PrngParams &p, const GenerateArgs &args, uint64_t *outputs, uint32_t begin,
                    uint32_t end) {
    typedef typename L::U64 U64;
    U64 iota;
    for (int lane = 0; lane < L::lanes; ++lane) {
        iota[lane] = uint64_t(lane);
    }
    for (uint32_t first = begin; first < end; first += L::lanes) {
        uint32_t active = end - first < uint32_t(L::lanes) ? end - first : uint32_t(L::lanes);
        U64 seeds = L::splat64(args.seed_first + first) + iota;
        F generator;
        generator.init(p, seed_lanes<L>(seeds, static_cast<typename F::Seed *>(nullptr)));
        generator.discard(args.burn);
        for (uint32_t j = 0; j < args.count; ++j) {
            generator.discard(args.skip);
            U64 out = output_lanes<L>(generator.next());
            for (uint32_t lane = 0; lane < active; ++lane) {
                outputs[uint64_t(first + lane) * args.count + j] = out[lane];
            }
        }
    }
}

}  // namespace

extern "C" void sieve_cpu_generate_lanes(const GenerateArgs *args, uint64_t *outputs, uint32_t gid_begin,
                                         uint32_t gid_end) {
    PrngParams p = args->params;
    uint32_t end = gid_end < args->thread_count ? gid_end : args->thread_count;
    if (gid_begin >= end) {
        return;
    }
#define SIEVE_GENERATE_LANES(F) generate_lanes<F, Lanes8>(p, *args, outputs, gid_begin, end)
    SIEVE_SWITCH_FAMILY(p.family, Lanes8, SIEVE_GENERATE_LANES)
#undef SIEVE_GENERATE_LANES
}

namespace {

// MARK: - The sieve: instruction-set variants (SieveLanes*.cpp), chosen at run time

struct InstructionSet {
    const char *name;
    uint32_t lanes;
    SieveGroupsFunction run;
};

const InstructionSet instruction_sets[] = {
    {"generic", 8, &sieve_groups_generic},
#if defined(__x86_64__)
    {"avx2", 32, &sieve_groups_avx2},
    {"avx512", 64, &sieve_groups_avx512},
#endif
};

constexpr uint32_t instruction_set_count = uint32_t(sizeof(instruction_sets) / sizeof(instruction_sets[0]));

bool supported(uint32_t isa) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (isa == 1) {
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("fma");
    }
    if (isa == 2) {
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
               __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") &&
               __builtin_cpu_supports("avx512cd");
    }
#endif
    return isa == 0;
}

}  // namespace

extern "C" uint32_t sieve_cpu_isa_count(void) { return instruction_set_count; }

extern "C" const char *sieve_cpu_isa_name(uint32_t isa) {
    return isa < instruction_set_count ? instruction_sets[isa].name : nullptr;
}

extern "C" bool sieve_cpu_isa_supported(uint32_t isa) { return isa < instruction_set_count && supported(isa); }

extern "C" uint32_t sieve_cpu_isa_lane_width(uint32_t isa) {
    return isa < instruction_set_count ? instruction_sets[isa].lanes : 0;
}

extern "C" uint32_t sieve_cpu_group_width(uint32_t isa, uint32_t strategy, const SieveArgs *args) {
    if (isa >= instruction_set_count || !supported(isa)) {
        isa = 0;
    }
#if defined(__x86_64__)
    if (isa == 2) {
        return sieve_avx512_group_width(strategy, args);
    }
#endif
    (void)strategy;
    (void)args;
    return instruction_sets[isa].lanes;
}

extern "C" uint32_t sieve_cpu_isa_best(void) {
    uint32_t best = 0;
    for (uint32_t isa = 0; isa < instruction_set_count; ++isa) {
        if (supported(isa)) {
            best = isa;
        }
    }
    return best;
}

extern "C" void sieve_cpu_sieve_lanes(uint32_t isa, uint32_t strategy, const SieveArgs *args, const uint32_t *draws,
                                      uint32_t *counter, SieveRecord *records, uint64_t group_begin, uint64_t group_end) {
    if (isa >= instruction_set_count || !supported(isa)) {
        isa = 0;
    }
    instruction_sets[isa].run(strategy, args, draws, counter, records, group_begin, group_end);
}

#pragma clang diagnostic pop
