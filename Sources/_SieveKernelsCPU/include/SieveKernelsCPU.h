// SieveKernelsCPU.h — the C interface to the project's Metal kernels compiled for the CPU.
//
// Every `kernel void` function of Shaders/*.metal is registered here under its Metal name, so that
// the host runs "the kernel named X over grid positions [begin, end)" the same way on the CPU as it
// dispatches it on a GPU. Buffers are passed as on Metal: index 0 is the kernel's argument struct
// (KernelArgs.h), the others its device buffers, in [[buffer(n)]] order.

#ifndef SIEVE_KERNELS_CPU_H
#define SIEVE_KERNELS_CPU_H

#include <stdbool.h>
#include <stdint.h>

#include "../../../Shaders/KernelArgs.h"

#ifdef __cplusplus
extern "C" {
#endif

/// How many kernels the CPU build holds.
uint32_t sieve_cpu_kernel_count(void);

/// The Metal name of kernel `index` (0 ..< count), or NULL past the end.
const char *sieve_cpu_kernel_name(uint32_t index);

/// The index of the kernel with this Metal name, or -1 when no kernel has it.
int32_t sieve_cpu_kernel_index(const char *name);

/// How many buffers kernel `index` binds (its argument struct included), or 0 past the end.
uint32_t sieve_cpu_kernel_buffer_count(uint32_t index);

/// Runs kernel `index` for every grid position gid in [gid_begin, gid_end), one after another, on
/// the calling thread. `buffers` holds `sieve_cpu_kernel_buffer_count(index)` pointers.
void sieve_cpu_kernel_run(uint32_t index, void *const *buffers, uint32_t gid_begin, uint32_t gid_end);

/// What the `prng_generate` kernel computes for grid positions [gid_begin, gid_end), but with the
/// family bodies instantiated for 8 seeds per call (vector lanes) instead of one.
void sieve_cpu_generate_lanes(const GenerateArgs *args, uint64_t *outputs, uint32_t gid_begin, uint32_t gid_end);

/// The CPU's two sieve bodies (Shaders/SieveBody.h).
enum SieveCPUStrategy { SIEVE_CPU_STRIDED = 0, SIEVE_CPU_STREAMED = 1 };

/// The instruction-set variants of the vector-lane bodies: 0 is generic (any CPU), then, on
/// x86-64, "avx2" (x86-64-v3) and "avx512" (x86-64-v4).
uint32_t sieve_cpu_isa_count(void);
const char *sieve_cpu_isa_name(uint32_t isa);
/// Whether this CPU has variant `isa`'s instructions.
bool sieve_cpu_isa_supported(uint32_t isa);
/// How many seeds one lane group of variant `isa` covers.
uint32_t sieve_cpu_isa_lane_width(uint32_t isa);
/// Seeds per lane group when variant `isa` runs `strategy` with these arguments (the group width
/// can depend on the family: see LaneVariants.h).
uint32_t sieve_cpu_group_width(uint32_t isa, uint32_t strategy, const SieveArgs *args);
/// The widest variant this CPU supports.
uint32_t sieve_cpu_isa_best(void);

/// What the `sieve_strided` or `sieve_streamed` kernel computes, for the seeds of lane groups
/// [group_begin, group_end) of variant `isa` (group g covers seeds seed_first + g·width ...).
/// `counter` is the survivor counter (atomic; it counts past the capacity). An unsupported `isa`
/// runs the generic variant.
void sieve_cpu_sieve_lanes(uint32_t isa, uint32_t strategy, const SieveArgs *args, const uint32_t *draws,
                           uint32_t *counter, SieveRecord *records, uint64_t group_begin, uint64_t group_end);

/// One block of the cycle pass (CyclePass.cpp): `block_length` cycle indices, and the windows'
/// draws, skips and match minimums. A window of `count` 0 is not tested.
typedef struct CyclePassArgs {
    uint32_t block_length;
    uint32_t skip_count;
    uint32_t forward_count;
    uint32_t forward_min;
    uint32_t reverse_count;
    uint32_t reverse_min;
} CyclePassArgs;

/// The independent chains `sieve_cpu_cycle_codes` steps at once (at most).
#define SIEVE_CYCLE_CHAINS 8

/// Writes `codes[t]` = `id_of[x_t mod modulus]` for t < `length`, where chain k of `chains` (at most
/// SIEVE_CYCLE_CHAINS) starts at `states[k]` = x_{k·⌈length/chains⌉} and steps xorshift32 (a, b, c).
void sieve_cpu_cycle_codes(uint32_t a, uint32_t b, uint32_t c, const uint32_t *states, uint32_t chains,
                           uint32_t length, uint32_t modulus, const uint8_t *id_of, uint8_t *codes);

/// The cycle indices u < `args->block_length` of a block that pass a window at some skip, in
/// order: draw i of a window at skip s matches when `codes[u + offsets[s·count + i]] == ids[i]`
/// (the forward window's offsets and ids, then the reverse window's). Writes up to `capacity` of
/// them to `found` and returns how many there are. `codes` must be readable 64 bytes past the
/// last offset. An unsupported `isa` runs the generic variant.
uint32_t sieve_cpu_cycle_block(uint32_t isa, const CyclePassArgs *args, const uint32_t *offsets, const uint8_t *ids,
                               const uint8_t *codes, uint32_t *found, uint32_t capacity);

#ifdef __cplusplus
}
#endif

#endif  // SIEVE_KERNELS_CPU_H
