// PRNG.metal — kernels that expose the families of Families.h to the host: streams for draw histories
// and known-answer tests, and state operations (init, next, prev, steps, jump) for property tests.
//
// One thread per seed or per state. The family is a uniform argument, so the `switch` costs nothing
// per lane; these kernels are not the sieve's hot path.

#include <metal_stdlib>
using namespace metal;

#include "Families.h"

/// Copies the parameters out of the constant address space field by field.
inline PrngParams load_params(constant PrngParams &source) {
    PrngParams p;
    p.family = source.family;
    p.xorshift_a = source.xorshift_a;
    p.xorshift_b = source.xorshift_b;
    p.xorshift_c = source.xorshift_c;
    p.pcg_increment = source.pcg_increment;
    p.lcg_a = source.lcg_a;
    p.lcg_c = source.lcg_c;
    p.lcg_m = source.lcg_m;
    p.java_a = source.java_a;
    p.java_c = source.java_c;
    return p;
}

inline ulong output_as_u64(uint out) { return ulong(out); }
inline ulong output_as_u64(ulong out) { return out; }

inline PrngState load_state(device PrngState *state) {
    PrngState s;
    for (uint i = 0; i < 4; ++i) {
        s.words[i] = state->words[i];
    }
    return s;
}

inline void store_state(device PrngState *state, thread const PrngState &s) {
    for (uint i = 0; i < 4; ++i) {
        state->words[i] = s.words[i];
    }
}

// MARK: - Streams

template <typename F>
inline void generate_outputs(thread const PrngParams &p, ulong seed, ulong burn, ulong skip,
                             uint count, device ulong *out) {
    F generator;
    generator.init(p, static_cast<typename F::Seed>(seed));
    generator.discard(burn);
    for (uint j = 0; j < count; ++j) {
        generator.discard(skip);
        out[j] = output_as_u64(generator.next());
    }
}

/// Thread gid writes out_{burn + (j+1)(skip+1)}, j < count, of seed seed_first + gid.
// msl-lint: private-memory-budget 2560
kernel void prng_generate(constant GenerateArgs &args [[buffer(0)]],
                          device ulong *outputs [[buffer(1)]],
                          uint gid [[thread_position_in_grid]]) {
    if (gid >= args.thread_count) {
        return;
    }
    PrngParams p = load_params(args.params);
    ulong seed = args.seed_first + ulong(gid);
    device ulong *out = outputs + ulong(gid) * ulong(args.count);
#define SIEVE_GENERATE(F) generate_outputs<F>(p, seed, args.burn, args.skip, args.count, out)
    SIEVE_SWITCH_FAMILY(p.family, ScalarLanes, SIEVE_GENERATE)
#undef SIEVE_GENERATE
}

// MARK: - States

template <typename F>
inline void state_init(thread const PrngParams &p, ulong seed, device PrngState *state) {
    F generator;
    generator.init(p, static_cast<typename F::Seed>(seed));
    PrngState s = {{0UL, 0UL, 0UL, 0UL}};
    generator.store(s);
    store_state(state, s);
}

/// The mode of `state_advance`: what to do to the state in place.
enum StateOperation { STATE_NEXT, STATE_PREV, STATE_STEP, STATE_JUMP };

/// Applies `operation` to the state in place; returns the output of the last step for STATE_NEXT.
template <typename F>
inline ulong state_advance(thread const PrngParams &p, StateOperation operation, ulong steps,
                           device PrngState *state) {
    F generator;
    PrngState s = load_state(state);
    generator.load(p, s);
    ulong output = 0;
    if (operation == STATE_NEXT) {
        output = output_as_u64(generator.next());
    } else if (operation == STATE_STEP) {
        for (ulong i = 0; i < steps; ++i) {
            generator.next();
        }
    } else if (operation == STATE_JUMP) {
        generator.discard(steps);
    }
    generator.store(s);
    store_state(state, s);
    return output;
}

template <typename F>
inline void state_prev(thread const PrngParams &p, device PrngState *state) {
    F generator;
    PrngState s = load_state(state);
    generator.load(p, s);
    generator.prev();
    generator.store(s);
    store_state(state, s);
}

/// Thread gid stores the state right after seeding with seed_first + gid.
// msl-lint: private-memory-budget 64
kernel void prng_state_init(constant StateArgs &args [[buffer(0)]],
                            device PrngState *states [[buffer(1)]],
                            uint gid [[thread_position_in_grid]]) {
    if (gid >= args.thread_count) {
        return;
    }
    PrngParams p = load_params(args.params);
    ulong seed = args.seed_first + ulong(gid);
#define SIEVE_STATE_INIT(F) state_init<F>(p, seed, states + gid)
    SIEVE_SWITCH_FAMILY_WITH_STATE(p.family, ScalarLanes, SIEVE_STATE_INIT)
#undef SIEVE_STATE_INIT
}

/// Advances each state by one step and writes that step's output.
// msl-lint: private-memory-budget 64
kernel void prng_state_next(constant StateArgs &args [[buffer(0)]],
                            device PrngState *states [[buffer(1)]],
                            device ulong *outputs [[buffer(2)]],
                            uint gid [[thread_position_in_grid]]) {
    if (gid >= args.thread_count) {
        return;
    }
    PrngParams p = load_params(args.params);
#define SIEVE_STATE_NEXT(F) outputs[gid] = state_advance<F>(p, STATE_NEXT, 1UL, states + gid)
    SIEVE_SWITCH_FAMILY_WITH_STATE(p.family, ScalarLanes, SIEVE_STATE_NEXT)
#undef SIEVE_STATE_NEXT
}

/// Moves each state back by one step (invertible families only).
// msl-lint: private-memory-budget 64
kernel void prng_state_prev(constant StateArgs &args [[buffer(0)]],
                            device PrngState *states [[buffer(1)]],
                            uint gid [[thread_position_in_grid]]) {
    if (gid >= args.thread_count) {
        return;
    }
    PrngParams p = load_params(args.params);
#define SIEVE_STATE_PREV(F) state_prev<F>(p, states + gid)
    SIEVE_SWITCH_FAMILY_WITH_STATE(p.family, ScalarLanes, SIEVE_STATE_PREV)
#undef SIEVE_STATE_PREV
}

/// Advances each state by `steps` single steps, one `next` at a time.
// msl-lint: private-memory-budget 64
kernel void prng_state_step(constant StateArgs &args [[buffer(0)]],
                            device PrngState *states [[buffer(1)]],
                            uint gid [[thread_position_in_grid]]) {
    if (gid >= args.thread_count) {
        return;
    }
    PrngParams p = load_params(args.params);
    ulong steps = args.steps;
#define SIEVE_STATE_STEP(F) state_advance<F>(p, STATE_STEP, steps, states + gid)
    SIEVE_SWITCH_FAMILY_WITH_STATE(p.family, ScalarLanes, SIEVE_STATE_STEP)
#undef SIEVE_STATE_STEP
}

/// Advances each state by `steps` with the family's `discard`: one O(log n) jump for the affine
/// families and philox4x32, single steps for the others.
// msl-lint: private-memory-budget 64
kernel void prng_state_jump(constant StateArgs &args [[buffer(0)]],
                            device PrngState *states [[buffer(1)]],
                            uint gid [[thread_position_in_grid]]) {
    if (gid >= args.thread_count) {
        return;
    }
    PrngParams p = load_params(args.params);
    ulong steps = args.steps;
#define SIEVE_STATE_JUMP(F) state_advance<F>(p, STATE_JUMP, steps, states + gid)
    SIEVE_SWITCH_FAMILY_WITH_STATE(p.family, ScalarLanes, SIEVE_STATE_JUMP)
#undef SIEVE_STATE_JUMP
}
