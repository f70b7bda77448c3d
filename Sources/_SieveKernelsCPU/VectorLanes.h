// VectorLanes.h — lane traits that run one kernel body over N seeds at once on the CPU.
//
// The kernel bodies of Shaders/ are written against a lane type `L` (Lanes.h). Metal and the
// per-thread CPU path use ScalarLanes; this header supplies clang vector types instead, so the very
// same body evaluates N seeds per instruction (docs/performance.md, "Lane kernels"). CPU-only: gcc ignores
// ext_vector_type, and Metal has no use for it.

#ifndef SIEVE_VECTOR_LANES_H_ONCE_PER_VARIANT
#define SIEVE_VECTOR_LANES_H_ONCE_PER_VARIANT

#include <stdint.h>

template <int N>
struct VectorLanes {
    typedef uint32_t U __attribute__((ext_vector_type(N)));
    typedef uint64_t U64 __attribute__((ext_vector_type(N)));
    typedef int32_t M __attribute__((ext_vector_type(N)));   // what comparing two U gives
    typedef int64_t M64 __attribute__((ext_vector_type(N)));  // what comparing two U64 gives
    enum { lanes = N };

    static U splat(uint32_t x) { return (U)x; }
    static U64 splat64(uint64_t x) { return (U64)x; }
    static U sel(M m, U a, U b) { return m ? a : b; }
    static U64 sel64(M64 m, U64 a, U64 b) { return m ? a : b; }
    static U64 widen(U x) { return __builtin_convertvector(x, U64); }
    static U narrow(U64 x) { return __builtin_convertvector(x, U); }
    static bool any(M m) { return __builtin_reduce_or(m) != 0; }
    static M both(M a, M b) { return a & b; }
    static M either(M a, M b) { return a | b; }
    static M64 both64(M64 a, M64 b) { return a & b; }
    static M narrow_mask(M64 m) { return __builtin_convertvector(m, M); }
    /// c + 1 where m holds (m is -1 there), c elsewhere.
    static U inc_if(U c, M m) { return m ? c + 1u : c; }
    static uint32_t lane(U v, uint32_t i) { return v[i]; }
    static uint64_t lane64(U64 v, uint32_t i) { return v[i]; }
    static bool lane_mask(M m, uint32_t i) { return m[i] != 0; }
    static U with_lane(U v, uint32_t i, uint32_t x) {
        v[i] = x;
        return v;
    }
    static U64 with_lane64(U64 v, uint32_t i, uint64_t x) {
        v[i] = x;
        return v;
    }
    static U64 iota64() {
        U64 v;
        for (int i = 0; i < N; ++i) {
            v[i] = uint64_t(i);
        }
        return v;
    }
};

#endif  // SIEVE_VECTOR_LANES_H
