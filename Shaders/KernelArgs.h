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

// MARK: - The sieve (docs/semantics.md §2–4, Sieve.metal)

/// How the reverse window is tested.
enum SieveReverseMode {
    SIEVE_REVERSE_NONE = 0,        // forward sieve only
    SIEVE_REVERSE_ON_FORWARD = 1,  // reverse counts matter only where the forward test passes
    SIEVE_REVERSE_FULL = 2,        // reverse best over every seed and skip too
    SIEVE_REVERSE_REFERENCE = 3    // reference mode: two independent sieves, seeds intersected
};

/// What a SieveRecord's seed passed.
enum SieveRecordFlags {
    SIEVE_PASSED_FORWARD = 1,        // max over s of mF(s) >= forward_min
    SIEVE_PASSED_REVERSE = 2,        // max over s of mR(s) >= reverse_min (FULL and REFERENCE)
    SIEVE_PASSED_BIDIRECTIONAL = 4   // ON_FORWARD/FULL: some s passes both; REFERENCE: both flags
};

/// The most skips one kernel pass tests (the host splits larger ranges).
enum { SIEVE_MAX_SKIPS_PER_PASS = 256 };

/// A window of draws: draw i is compared with output c0 + (c1 + i)(s + 1) of the stream.
typedef struct SieveWindow {
    sieve_u32 count;        // draws in the window (0: no window)
    sieve_u32 first_draw;   // index of its first draw in the draws buffer
    sieve_u64 c0;
    sieve_u64 c1;
} SieveWindow;

/// The arguments of `sieve_strided` and `sieve_streamed`.
typedef struct SieveArgs {
    PrngParams params;
    sieve_u64 seed_first;       // the seed of grid position 0
    sieve_u64 seed_count;       // positions at or past this do nothing
    sieve_u64 seed_stride;      // grid position g sieves seed_first + g·seed_stride
    SieveWindow forward;
    SieveWindow reverse;
    sieve_u64 stream_first;     // sieve_streamed walks outputs stream_first ... stream_last
    sieve_u64 stream_last;
    sieve_u64 modulus;          // M, 2 ... 2^32
    sieve_u32 mod_inverse;      // M = 2^mod_shift · odd: the odd part's inverse mod 2^32
    sieve_u32 mod_shift;
    sieve_u32 mod_limit;        // floor((2^32 - 1) / M)
    sieve_u32 mod_is_2_32;      // 1 when M = 2^32 (a residue is the output itself)
    sieve_u32 skip_min;
    sieve_u32 skip_max;         // skip_max - skip_min < SIEVE_MAX_SKIPS_PER_PASS
    sieve_u32 forward_min;      // the least matches that pass each window
    sieve_u32 reverse_min;
    sieve_u32 reverse_mode;     // SieveReverseMode
    sieve_u32 capacity;         // records the records buffer holds
    // The pruned seed set (LowBitClassTable): with class_count > 0, grid position g sieves the
    // seed at position f = class_position + g of the set of seeds whose residue mod 2^class_bits
    // is a living class, block by block (2^class_bits seeds each),
    //     seed(f) = (f / class_count)·2^class_bits + classes[f mod class_count],
    // keeping only seeds in class_seed_min ... class_seed_max (the range's partial blocks). The
    // `classes` sit in the draws buffer from word class_offset, ordered by their skip masks so
    // that neighbouring lanes count the same skips; each class's masks from word mask_offset:
    // 2·mask_words words per class, the forward window's bits then the reverse window's, bit k of
    // a window's words set when skip skip_min + k can reach that window's threshold for seeds of
    // the class. seed_first and seed_stride are ignored.
    sieve_u32 class_count;      // 0: grid position g sieves seed_first + g·seed_stride
    sieve_u32 class_bits;
    sieve_u32 class_offset;
    sieve_u32 mask_offset;
    sieve_u32 mask_words;       // ceil((skip_max - skip_min + 1) / 32)
    sieve_u32 mod_shift64;      // the 64-bit match test's shift: as mod_shift, but 32 for M = 2^32
    sieve_u64 class_position;
    sieve_u64 class_seed_min;
    sieve_u64 class_seed_max;
    // The match test of 64-bit outputs (shift mod_shift64): the odd part's inverse mod 2^64, and
    // floor((2^64 - 1) / M).
    sieve_u64 mod_inverse64;
    sieve_u64 mod_limit64;
} SieveArgs;

/// One surviving seed. Fields of a test the seed did not pass are zero.
typedef struct SieveRecord {
    sieve_u64 seed;
    sieve_u32 flags;                  // SieveRecordFlags
    sieve_u32 forward_skip;           // the smallest skip with the most forward matches
    sieve_u32 forward_matches;
    sieve_u32 reverse_skip;           // the smallest skip with the most reverse matches
    sieve_u32 reverse_matches;
    sieve_u32 bidirectional_skip;     // the passing skip with the most mF + mR (then the smallest)
    sieve_u32 bidirectional_forward;  // mF and mR at that skip
    sieve_u32 bidirectional_reverse;
} SieveRecord;

#endif  // SIEVE_KERNEL_ARGS_H
