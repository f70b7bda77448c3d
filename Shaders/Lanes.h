// Lanes.h — the lane abstraction every kernel body is written against, and uniform integer helpers.
//
// A kernel body is written as the work of one lane: `L::U` is a lane's 32-bit word, `L::U64` its
// 64-bit word. On Metal, and on the CPU per thread, `L` is `ScalarLanes`: one seed per thread. The
// CPU's SIMD path instantiates the very same bodies with vector lane types (one call evaluates 8–16
// seeds), which is why bodies use uniform loops and `sel` instead of per-lane branches.
//
// "Uniform" values (parameters, loop counts, jump distances) are plain `uint`/`ulong`: the same for
// every lane, so branching on them is free on a GPU and legal in a vector body.

#ifndef SIEVE_LANES_H
#define SIEVE_LANES_H

#include "KernelArgs.h"

/// One lane per thread: the Metal execution model, and the CPU's per-thread path.
struct ScalarLanes {
    typedef uint U;
    typedef ulong U64;
    typedef bool M;    // a mask over U lanes
    typedef bool M64;  // a mask over U64 lanes

    static U splat(uint x) { return x; }
    static U64 splat64(ulong x) { return x; }
    static U sel(M m, U a, U b) { return m ? a : b; }
    static U64 sel64(M64 m, U64 a, U64 b) { return m ? a : b; }
    static U64 widen(U x) { return ulong(x); }
    static U narrow(U64 x) { return uint(x); }
    static bool any(M m) { return m; }
    static M both(M a, M b) { return a && b; }
    static M either(M a, M b) { return a || b; }
    static M64 both64(M64 a, M64 b) { return a && b; }
    static M narrow_mask(M64 m) { return m; }
    /// c + 1 where m holds, c elsewhere.
    static U inc_if(U c, M m) { return c + (m ? 1u : 0u); }
    enum { lanes = 1 };
    static uint lane(U v, uint) { return v; }
    static ulong lane64(U64 v, uint) { return v; }
    static bool lane_mask(M m, uint) { return m; }
    /// v with lane i set to x (the one lane).
    static U with_lane(U, uint, uint x) { return x; }
    static U64 with_lane64(U64, uint, ulong x) { return x; }
    /// Lane i holds i.
    static U64 iota64() { return 0UL; }
};

// MARK: - Bit manipulation, generic over the lane word type T (uint, ulong or vectors of them)

/// Rotates left by a uniform amount k in 1 ... bits-1.
template <typename T>
inline T rotl_uniform(T x, uint k, uint bits) {
    return (x << k) | (x >> (bits - k));
}

/// Inverts y = x ^ (x << k) for a uniform k >= 1: x = y ^ (y << k) ^ (y << 2k) ^ ...
template <typename T>
inline T unxorshift_left(T y, uint k, uint bits) {
    T x = y;
    for (uint shift = k; shift < bits; shift += k) {
        x ^= y << shift;
    }
    return x;
}

/// Inverts y = x ^ (x >> k) for a uniform k >= 1: x = y ^ (y >> k) ^ (y >> 2k) ^ ...
template <typename T>
inline T unxorshift_right(T y, uint k, uint bits) {
    T x = y;
    for (uint shift = k; shift < bits; shift += k) {
        x ^= y >> shift;
    }
    return x;
}

// MARK: - Uniform modular arithmetic (scalars; used to prepare jumps and inverses)

/// The inverse of an odd a modulo 2^64, by Newton's iteration (each step doubles the correct bits:
/// a·a ≡ 1 mod 8 gives 3 bits, then 6, 12, 24, 48, 96).
inline ulong inverse_mod_2_64(ulong a) {
    ulong x = a;
    for (uint i = 0; i < 5; ++i) {
        x *= 2UL - a * x;
    }
    return x;
}

/// a·b mod m for a, b < 2^32 and 2 <= m <= 2^32 (the product fits in 64 bits).
inline ulong mulmod32(ulong a, ulong b, ulong m) {
    return (a * b) % m;
}

/// The inverse of a modulo m (m <= 2^32) by the extended Euclidean algorithm, or 0 when
/// gcd(a, m) != 1. The host only asks for inverses that exist.
inline ulong inverse_mod(ulong a, ulong m) {
    long t = 0;
    long new_t = 1;
    long r = long(m);
    long new_r = long(a % m);
    while (new_r != 0) {
        long q = r / new_r;
        long next_t = t - q * new_t;
        t = new_t;
        new_t = next_t;
        long next_r = r - q * new_r;
        r = new_r;
        new_r = next_r;
    }
    if (r != 1) {
        return 0;
    }
    return t < 0 ? ulong(t + long(m)) : ulong(t);
}

/// The affine map x -> a·x + c applied n times, as one map x -> A·x + C (mod 2^64).
/// O(log n): square-and-multiply on maps, which commute because they are powers of one map.
struct AffineMap64 {
    ulong a;
    ulong c;
};

inline AffineMap64 affine_power_mod_2_64(ulong a, ulong c, ulong n) {
    AffineMap64 result = {1UL, 0UL};
    ulong base_a = a;
    ulong base_c = c;
    while (n != 0) {
        if ((n & 1UL) != 0) {
            result.c = base_a * result.c + base_c;
            result.a = base_a * result.a;
        }
        base_c = base_a * base_c + base_c;
        base_a = base_a * base_a;
        n >>= 1;
    }
    return result;
}

/// The affine map x -> a·x + c (mod m) applied n times, for a, c < m and 2 <= m <= 2^32.
inline AffineMap64 affine_power_mod(ulong a, ulong c, ulong m, ulong n) {
    AffineMap64 result = {1UL % m, 0UL};
    ulong base_a = a % m;
    ulong base_c = c % m;
    while (n != 0) {
        if ((n & 1UL) != 0) {
            result.c = (mulmod32(base_a, result.c, m) + base_c) % m;
            result.a = mulmod32(base_a, result.a, m);
        }
        base_c = (mulmod32(base_a, base_c, m) + base_c) % m;
        base_a = mulmod32(base_a, base_a, m);
        n >>= 1;
    }
    return result;
}

#endif  // SIEVE_LANES_H
