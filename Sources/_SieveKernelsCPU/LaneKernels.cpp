// LaneKernels.cpp — the family bodies of Shaders/ instantiated with vector lanes (VectorLanes.h).
//
// `sieve_cpu_generate_lanes` computes exactly what the `prng_generate` kernel computes, N seeds per
// call of the family body instead of one; a test holds the two equal for every family. The sieve's
// SIMD kernels build on the same instantiation.

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "SieveKernelsCPU.h"
#include "VectorLanes.h"

#pragma clang diagnostic push
#pragma clang diagnostic error "-Wall"
#pragma clang diagnostic error "-Wextra"
#pragma clang diagnostic ignored "-Wpsabi"

#include <metal_stdlib>

namespace sieve_lanes {
using namespace metal;
#include "SieveBody.h"
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

// MARK: - The sieve

template <typename L>
void sieve_groups(uint32_t strategy, const SieveArgs &args, const uint32_t *draws, metal::atomic_uint *counter,
                  SieveRecord *records, uint64_t group_begin, uint64_t group_end) {
    typedef typename L::U64 U64;
    SieveUniforms u = load_uniforms(args);
    U64 iota;
    for (int lane = 0; lane < L::lanes; ++lane) {
        iota[lane] = uint64_t(lane);
    }
    for (uint64_t group = group_begin; group < group_end; ++group) {
        uint64_t first = group * uint64_t(L::lanes);
        if (first >= args.seed_count) {
            break;
        }
        uint64_t left = args.seed_count - first;
        uint32_t active = left < uint64_t(L::lanes) ? uint32_t(left) : uint32_t(L::lanes);
        U64 seeds = L::splat64(args.seed_first + first) + iota;
        SieveOutcome<L> outcome;
        outcome.reset(u.skip_min);
        if (strategy == SIEVE_CPU_STRIDED) {
            switch (u.params.family) {
                case PRNG_PCG32: sieve_strided_group<Pcg32<L>, L>(u, seeds, draws, outcome); break;
                case PRNG_LCG32: sieve_strided_group<Lcg32<L>, L>(u, seeds, draws, outcome); break;
                case PRNG_JAVA_LCG: sieve_strided_group<JavaLcg<L>, L>(u, seeds, draws, outcome); break;
                case PRNG_MINSTD: sieve_strided_group<Minstd<L>, L>(u, seeds, draws, outcome); break;
                case PRNG_PHILOX4X32: sieve_strided_group<Philox4x32<L>, L>(u, seeds, draws, outcome); break;
                default: return;
            }
        } else {
#define SIEVE_STREAMED_LANES(F) sieve_streamed_group<F, L>(u, seeds, draws, outcome)
            SIEVE_SWITCH_FAMILY(u.params.family, L, SIEVE_STREAMED_LANES)
#undef SIEVE_STREAMED_LANES
        }
        append_records<L>(outcome, u, args.seed_first + first, active, counter, records);
    }
}

}  // namespace

extern "C" uint32_t sieve_cpu_sieve_lane_width(void) { return uint32_t(Lanes8::lanes); }

extern "C" void sieve_cpu_sieve_lanes(uint32_t strategy, const SieveArgs *args, const uint32_t *draws, uint32_t *counter,
                                      SieveRecord *records, uint64_t group_begin, uint64_t group_end) {
    sieve_groups<Lanes8>(strategy, *args, draws, reinterpret_cast<metal::atomic_uint *>(counter), records, group_begin,
                         group_end);
}

#pragma clang diagnostic pop
