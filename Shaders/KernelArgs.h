// KernelArgs.h — argument structs shared by the host (Swift, through C) and the kernels (MSL).
//
// Every kernel takes one of these structs as `constant T &args [[buffer(0)]]`; the host fills the
// same struct and binds it at index 0 (ggml's "kargs" pattern). The structs hold only 32- and 64-bit
// unsigned integers, ordered so that C and MSL give them the same layout, with no padding.

#ifndef SIEVE_KERNEL_ARGS_H
#define SIEVE_KERNEL_ARGS_H

#ifdef __METAL_VERSION__
typedef uint sieve_u32;
typedef ulong sieve_u64;
#else
#include <stdint.h>
typedef uint32_t sieve_u32;
typedef uint64_t sieve_u64;
#endif

// The PRNG families, numbered as the host's catalogue numbers them (`PRNGFamily.ID`).
enum PrngFamilyID {
    PRNG_XORSHIFT32 = 0,
    PRNG_XORSHIFT64 = 1,
    PRNG_XORSHIFT128 = 2,
    PRNG_PCG32 = 3,
    PRNG_LCG32 = 4,
    PRNG_JAVA_LCG = 5,
    PRNG_MINSTD = 6,
    PRNG_MT19937 = 7,
    PRNG_XOSHIRO256PP = 8,
    PRNG_PHILOX4X32 = 9,
    PRNG_SFC64 = 10,
    PRNG_FAMILY_COUNT = 11
};

// A family and its parameters. Fields a family does not use are ignored by it.
typedef struct PrngParams {
    sieve_u32 family;         // PrngFamilyID
    sieve_u32 xorshift_a;     // xorshift32: x ^= x << a
    sieve_u32 xorshift_b;     // xorshift32: x ^= x >> b
    sieve_u32 xorshift_c;     // xorshift32: x ^= x << c
    sieve_u64 pcg_increment;  // pcg32: state = state * 6364136223846793005 + increment
    sieve_u32 lcg_a;          // lcg32: state = (a * state + c) mod m
    sieve_u32 lcg_c;
    sieve_u64 lcg_m;          // lcg32: 0 means mod 2^32 (wrap-around); otherwise 2 ... 2^32 - 1
    sieve_u64 java_a;         // java_lcg: state = (a * state + c) mod 2^48
    sieve_u64 java_c;
} PrngParams;

// A generator's state as the host sees it: up to four words, laid out per family (see the
// `*_store` functions in Families.h). MT19937 has no host-visible state (624 words).
typedef struct PrngState {
    sieve_u64 words[4];
} PrngState;

// `prng_generate`: one thread per seed writes `count` outputs,
//     outputs[gid * count + j] = out_{burn + (j + 1)(skip + 1)}   for the seed seed_first + gid.
typedef struct GenerateArgs {
    PrngParams params;
    sieve_u64 seed_first;
    sieve_u64 burn;
    sieve_u64 skip;
    sieve_u32 count;
    sieve_u32 thread_count;   // threads past this index do nothing (grids may be rounded up)
} GenerateArgs;

// The state kernels (`prng_state_*`): one thread per state.
typedef struct StateArgs {
    PrngParams params;
    sieve_u64 seed_first;     // prng_state_init: thread gid seeds with seed_first + gid
    sieve_u64 steps;          // prng_state_step / prng_state_jump: how many outputs to advance
    sieve_u32 thread_count;
    sieve_u32 reserved;
} StateArgs;

#endif  // SIEVE_KERNEL_ARGS_H
