// PerThreadKernels.cpp — the .metal kernels compiled as C++, one grid position per call.
//
// This translation unit *is* the kernel source: Shaders/*.metal included through the Metal shim.
// Warnings are errors here (the pragmas below), so the shaders stay clean with -Wall -Wextra
// without any compiler flag in the manifest.

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "SieveKernelsCPU.h"

#pragma clang diagnostic push
#pragma clang diagnostic error "-Wall"
#pragma clang diagnostic error "-Wextra"

#include <metal_stdlib>

namespace sieve_kernels {
#include "PRNG.metal"
#include "Sieve.metal"
}  // namespace sieve_kernels

#include "metal_shim_end.h"

namespace {

/// Adapts a kernel `void k(const Args &, Buffers..., uint gid)` to the registry's uniform
/// signature, deducing the argument and buffer types from the kernel itself.
template <typename Signature>
struct GridThunk;

template <typename Args, typename B1>
struct GridThunk<void (*)(const Args &, B1, uint32_t)> {
    static constexpr uint32_t buffer_count = 2;
    template <void (*K)(const Args &, B1, uint32_t)>
    static void run(void *const *b, uint32_t begin, uint32_t end) {
        const Args &args = *static_cast<const Args *>(b[0]);
        B1 b1 = static_cast<B1>(b[1]);
        for (uint32_t gid = begin; gid < end; ++gid) {
            K(args, b1, gid);
        }
    }
};

template <typename Args, typename B1, typename B2>
struct GridThunk<void (*)(const Args &, B1, B2, uint32_t)> {
    static constexpr uint32_t buffer_count = 3;
    template <void (*K)(const Args &, B1, B2, uint32_t)>
    static void run(void *const *b, uint32_t begin, uint32_t end) {
        const Args &args = *static_cast<const Args *>(b[0]);
        B1 b1 = static_cast<B1>(b[1]);
        B2 b2 = static_cast<B2>(b[2]);
        for (uint32_t gid = begin; gid < end; ++gid) {
            K(args, b1, b2, gid);
        }
    }
};

template <typename Args, typename B1, typename B2, typename B3>
struct GridThunk<void (*)(const Args &, B1, B2, B3, uint32_t)> {
    static constexpr uint32_t buffer_count = 4;
    template <void (*K)(const Args &, B1, B2, B3, uint32_t)>
    static void run(void *const *b, uint32_t begin, uint32_t end) {
        const Args &args = *static_cast<const Args *>(b[0]);
        B1 b1 = static_cast<B1>(b[1]);
        B2 b2 = static_cast<B2>(b[2]);
        B3 b3 = static_cast<B3>(b[3]);
        for (uint32_t gid = begin; gid < end; ++gid) {
            K(args, b1, b2, b3, gid);
        }
    }
};

struct KernelEntry {
    const char *name;
    uint32_t buffer_count;
    void (*run)(void *const *, uint32_t, uint32_t);
};

#define SIEVE_KERNEL_ENTRY(name)                                             \
    {#name, GridThunk<decltype(&sieve_kernels::name)>::buffer_count,         \
     &GridThunk<decltype(&sieve_kernels::name)>::template run<&sieve_kernels::name>}

// Every `kernel void` of Shaders/*.metal, under its Metal name.
const KernelEntry kernel_table[] = {
    SIEVE_KERNEL_ENTRY(prng_generate),
    SIEVE_KERNEL_ENTRY(prng_state_init),
    SIEVE_KERNEL_ENTRY(prng_state_next),
    SIEVE_KERNEL_ENTRY(prng_state_prev),
    SIEVE_KERNEL_ENTRY(prng_state_step),
    SIEVE_KERNEL_ENTRY(prng_state_jump),
    SIEVE_KERNEL_ENTRY(sieve_strided),
    SIEVE_KERNEL_ENTRY(sieve_streamed),
};

#undef SIEVE_KERNEL_ENTRY

constexpr uint32_t kernel_table_count = uint32_t(sizeof(kernel_table) / sizeof(kernel_table[0]));

}  // namespace

extern "C" uint32_t sieve_cpu_kernel_count(void) { return kernel_table_count; }

extern "C" const char *sieve_cpu_kernel_name(uint32_t index) {
    return index < kernel_table_count ? kernel_table[index].name : nullptr;
}

extern "C" int32_t sieve_cpu_kernel_index(const char *name) {
    for (uint32_t i = 0; i < kernel_table_count; ++i) {
        if (strcmp(kernel_table[i].name, name) == 0) {
            return int32_t(i);
        }
    }
    return -1;
}

extern "C" uint32_t sieve_cpu_kernel_buffer_count(uint32_t index) {
    return index < kernel_table_count ? kernel_table[index].buffer_count : 0;
}

extern "C" void sieve_cpu_kernel_run(uint32_t index, void *const *buffers, uint32_t gid_begin,
                                     uint32_t gid_end) {
    if (index < kernel_table_count) {
        kernel_table[index].run(buffers, gid_begin, gid_end);
    }
}

#pragma clang diagnostic pop
