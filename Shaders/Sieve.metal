// Sieve.metal — the sieve kernels: one thread per seed (SieveBody.h holds the bodies).
//
// Buffers, as for every kernel here: 0 the SieveArgs; 1 the plan's constant words (the forward and
// reverse windows' residues, then, for a pruned seed set, its living classes and their skip masks:
// see SieveArgs); 2 the survivor counter; 3 the survivor records (capacity in the args). The counter
// keeps counting past the capacity, so the host detects an overflow and re-runs the chunk in pieces.

#include <metal_stdlib>
using namespace metal;

#include "SieveBody.h"

/// The strided sieve, for the jump families (lcg32, java_lcg, minstd, pcg32, philox4x32).
// msl-lint: private-memory-budget 128
kernel void sieve_strided(constant SieveArgs &args [[buffer(0)]],
                          device const uint *draws [[buffer(1)]],
                          device atomic_uint *counter [[buffer(2)]],
                          device SieveRecord *records [[buffer(3)]],
                          uint gid [[thread_position_in_grid]]) {
    if (ulong(gid) >= args.seed_count) {
        return;
    }
    SieveUniforms u = load_uniforms(args);
    SkipMasks<ScalarLanes> masks;
    ulong seed = group_seeds<ScalarLanes>(u, args, draws, ulong(gid), 1u, masks);
    SieveOutcome<ScalarLanes> outcome;
    outcome.reset(u.skip_min);
    switch (u.params.family) {
        case PRNG_PCG32: sieve_strided_group<Pcg32<ScalarLanes>, ScalarLanes>(u, seed, draws, masks, outcome); break;
        case PRNG_LCG32: sieve_strided_group<Lcg32<ScalarLanes>, ScalarLanes>(u, seed, draws, masks, outcome); break;
        case PRNG_JAVA_LCG: sieve_strided_group<JavaLcg<ScalarLanes>, ScalarLanes>(u, seed, draws, masks, outcome); break;
        case PRNG_MINSTD: sieve_strided_group<Minstd<ScalarLanes>, ScalarLanes>(u, seed, draws, masks, outcome); break;
        case PRNG_PHILOX4X32: sieve_strided_group<Philox4x32<ScalarLanes>, ScalarLanes>(u, seed, draws, masks, outcome); break;
        default: return;
    }
    append_records<ScalarLanes>(outcome, u, seed, 1u, counter, records);
}

/// The streamed sieve, for every family: one pass over each seed's stream.
// msl-lint: private-memory-budget 8704
kernel void sieve_streamed(constant SieveArgs &args [[buffer(0)]],
                           device const uint *draws [[buffer(1)]],
                           device atomic_uint *counter [[buffer(2)]],
                           device SieveRecord *records [[buffer(3)]],
                           uint gid [[thread_position_in_grid]]) {
    if (ulong(gid) >= args.seed_count) {
        return;
    }
    SieveUniforms u = load_uniforms(args);
    // The streamed body counts every skip (one stream serves them all); the masks go unused.
    SkipMasks<ScalarLanes> masks;
    ulong seed = group_seeds<ScalarLanes>(u, args, draws, ulong(gid), 1u, masks);
    SieveOutcome<ScalarLanes> outcome;
    outcome.reset(u.skip_min);
#define SIEVE_STREAMED(F) sieve_streamed_group<F, ScalarLanes>(u, seed, draws, outcome)
    SIEVE_SWITCH_FAMILY(u.params.family, ScalarLanes, SIEVE_STREAMED)
#undef SIEVE_STREAMED
    append_records<ScalarLanes>(outcome, u, seed, 1u, counter, records);
}
