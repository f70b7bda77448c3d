// Families.h — the eleven PRNG families: the only definition of their arithmetic in the project.
//
// Each family is `template <typename L> struct F` over the lanes of Lanes.h, with
//   typedef ... Seed;          the lane type of a seed (L::U for 32-bit seeds, L::U64 for 64-bit)
//   typedef ... Out;           the lane type of an output (L::U or L::U64: the family's output width)
//   void init(params, seed)    the state right after seeding
//   Out  next()                advance one step and return that step's output (out_1, out_2, ...)
//   void discard(ulong n)      advance n steps (one O(log n) jump for the affine families)
// the jump families (lcg32, java_lcg, minstd, pcg32, philox4x32) also
//   typedef ... Jump;          a precomputed advance by n steps (uniform: the same for every lane)
//   Jump jump_for(ulong n)     prepares it, O(log n) (after init: it reads the parameters)
//   void jump(Jump j)          applies it to every lane, O(1)
//   Out current() const        the output that belongs to the current state: out_{p + current_offset}
//                              after p steps (LCGs output their new state: offset 0; pcg32 and
//                              philox4x32 output from the state before the step: offset 1)
// and, where the state update is invertible, `void prev()` (the exact inverse of one `next`), and for
// the host's state kernels `store`/`load` to and from a PrngState.
//
// The definitions are those of the reference system (docs/reference-system.md §2), including its deviations from
// the published algorithms, because users' existing results mean exactly these streams:
//   - xorshift64 feeds the multiply back into the state (it is not xorshift64*), 64-bit output;
//   - xorshift128 starts from x = seed; pcg32, xoshiro256pp, sfc64 and philox4x32 seed non-canonically;
//   - lcg32 defaults to mod 2^31 - 1 with an unreduced seed; java_lcg has no seed scramble.

#ifndef SIEVE_FAMILIES_H
#define SIEVE_FAMILIES_H

#include "Lanes.h"

/// Reduces a 64-bit value modulo the Mersenne prime 2^31 - 1 without a division.
template <typename L>
inline typename L::U reduce_mersenne31(typename L::U64 v) {
    const ulong m = 0x7FFFFFFFUL;
    typename L::U64 r = (v & m) + (v >> 31);  // < 5 * 2^31
    r = (r & m) + (r >> 31);                   // <= m + 4
    r = L::sel64(r >= m, r - m, r);
    return L::narrow(r);
}

// MARK: - xorshift32 (Marsaglia; shifts a, b, c, default 13/17/5)

template <typename L>
struct Xorshift32 {
    typedef typename L::U U;
    typedef U Seed;
    typedef U Out;

    U x;
    uint a, b, c;

    void init(thread const PrngParams &p, Seed seed) {
        a = p.xorshift_a;
        b = p.xorshift_b;
        c = p.xorshift_c;
        x = seed;
    }
    Out next() {
        x ^= x << a;
        x ^= x >> b;
        x ^= x << c;
        return x;
    }
    void prev() {
        x = unxorshift_left(x, c, 32u);
        x = unxorshift_right(x, b, 32u);
        x = unxorshift_left(x, a, 32u);
    }
    void discard(ulong n) {
        for (ulong i = 0; i < n; ++i) {
            next();
        }
    }
    void store(thread PrngState &s) const { s.words[0] = x; }
    void load(thread const PrngParams &p, thread const PrngState &s) {
        init(p, uint(s.words[0]));
    }
};

// MARK: - xorshift64 (12/25/27 with the multiply fed back into the state; 64-bit output)

template <typename L>
struct Xorshift64 {
    typedef typename L::U64 U64;
    typedef U64 Seed;
    typedef U64 Out;

    U64 x;

    void init(thread const PrngParams &, Seed seed) { x = seed; }
    Out next() {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        x *= 0x2545F4914F6CDD1DUL;
        return x;
    }
    void prev() {
        x *= inverse_mod_2_64(0x2545F4914F6CDD1DUL);
        x = unxorshift_right(x, 27u, 64u);
        x = unxorshift_left(x, 25u, 64u);
        x = unxorshift_right(x, 12u, 64u);
    }
    void discard(ulong n) {
        for (ulong i = 0; i < n; ++i) {
            next();
        }
    }
    void store(thread PrngState &s) const { s.words[0] = x; }
    void load(thread const PrngParams &p, thread const PrngState &s) { init(p, s.words[0]); }
};

// MARK: - xorshift128 (Marsaglia's xor128 with x = seed)

template <typename L>
struct Xorshift128 {
    typedef typename L::U U;
    typedef U Seed;
    typedef U Out;

    U x, y, z, w;

    void init(thread const PrngParams &, Seed seed) {
        x = seed;
        y = L::splat(362436069u);
        z = L::splat(521288629u);
        w = L::splat(88675123u);
    }
    Out next() {
        U t = x ^ (x << 11);
        x = y;
        y = z;
        z = w;
        w = w ^ (w >> 19) ^ t ^ (t >> 8);
        return w;
    }
    void prev() {
        // w' = w ^ (w >> 19) ^ t ^ (t >> 8), where w = z' and t = x ^ (x << 11).
        U old_w = z;
        U t = unxorshift_right(w ^ old_w ^ (old_w >> 19), 8u, 32u);
        w = old_w;
        z = y;
        y = x;
        x = unxorshift_left(t, 11u, 32u);
    }
    void discard(ulong n) {
        for (ulong i = 0; i < n; ++i) {
            next();
        }
    }
    void store(thread PrngState &s) const {
        s.words[0] = x;
        s.words[1] = y;
        s.words[2] = z;
        s.words[3] = w;
    }
    void load(thread const PrngParams &, thread const PrngState &s) {
        x = uint(s.words[0]);
        y = uint(s.words[1]);
        z = uint(s.words[2]);
        w = uint(s.words[3]);
    }
};

// MARK: - pcg32 (PCG-XSH-RR output on the old state; state = seed, increment a parameter)

template <typename L>
struct Pcg32 {
    typedef typename L::U U;
    typedef typename L::U64 U64;
    typedef U Seed;
    typedef U Out;

    U64 state;
    ulong increment;

    void init(thread const PrngParams &p, Seed seed) {
        increment = p.pcg_increment;
        state = L::widen(seed);
    }
    enum { current_offset = 1 };
    Out current() const {
        U xorshifted = L::narrow(((state >> 18) ^ state) >> 27);
        U rot = L::narrow(state >> 59);
        return (xorshifted >> rot) | (xorshifted << ((0u - rot) & 31u));
    }
    Out next() {
        Out out = current();
        state = state * 6364136223846793005UL + increment;
        return out;
    }
    void prev() {
        state = (state - increment) * inverse_mod_2_64(6364136223846793005UL);
    }
    typedef AffineMap64 Jump;
    Jump jump_for(ulong n) const { return affine_power_mod_2_64(6364136223846793005UL, increment, n); }
    void jump(Jump j) { state = state * j.a + j.c; }
    void discard(ulong n) { jump(jump_for(n)); }
    void store(thread PrngState &s) const { s.words[0] = state; }
    void load(thread const PrngParams &p, thread const PrngState &s) {
        increment = p.pcg_increment;
        state = s.words[0];
    }
};

// MARK: - lcg32 (state = (a·state + c) mod m; m = 0 means mod 2^32; output = state)

template <typename L>
struct Lcg32 {
    typedef typename L::U U;
    typedef typename L::U64 U64;
    typedef U Seed;
    typedef U Out;

    U x;
    uint a, c;
    ulong m;  // 0: wrap-around mod 2^32

    void init(thread const PrngParams &p, Seed seed) {
        a = p.lcg_a;
        c = p.lcg_c;
        m = p.lcg_m;
        x = seed;  // not reduced: the first step reduces it
    }
    enum { current_offset = 0 };
    Out current() const { return x; }
    Out next() {
        if (m == 0) {
            x = x * a + c;
        } else if (m == 0x7FFFFFFFUL) {
            x = reduce_mersenne31<L>(L::widen(x) * ulong(uint(a)) + ulong(uint(c)));
        } else {
            x = L::narrow((L::widen(x) * ulong(a) + ulong(c)) % m);
        }
        return x;
    }
    /// Exact inverse on reduced states (x < m); the host asks only when gcd(a, m) = 1.
    void prev() {
        if (m == 0) {
            uint inverse = uint(inverse_mod_2_64(ulong(a)));
            x = (x - c) * inverse;
        } else {
            ulong inverse = inverse_mod(ulong(a), m);
            U64 shifted = (L::widen(x) + (m - ulong(c) % m)) % m;
            x = L::narrow((shifted * inverse) % m);
        }
    }
    typedef AffineMap64 Jump;
    /// For m > 0 the map is reduced mod m; applying it reduces the state, which does not change
    /// any output (every step reduces mod m), so a state seeded above m stays consistent.
    Jump jump_for(ulong n) const {
        return m == 0 ? affine_power_mod_2_64(ulong(a), ulong(c), n) : affine_power_mod(ulong(a), ulong(c), m, n);
    }
    void jump(Jump j) {
        if (m == 0) {
            x = x * uint(j.a) + uint(j.c);
        } else if (m == 0x7FFFFFFFUL) {
            // j.a, j.c < m < 2^32: saying so lets a 32x32 -> 64-bit multiply do.
            x = reduce_mersenne31<L>(L::widen(x) * ulong(uint(j.a)) + ulong(uint(j.c)));
        } else {
            x = L::narrow((L::widen(x) * ulong(uint(j.a)) + ulong(uint(j.c))) % m);
        }
    }
    void discard(ulong n) {
        if (n != 0) {
            jump(jump_for(n));
        }
    }
    void store(thread PrngState &s) const { s.words[0] = x; }
    void load(thread const PrngParams &p, thread const PrngState &s) { init(p, uint(s.words[0])); }
};

// MARK: - java_lcg (java.util.Random's 48-bit LCG without the seed scramble; out = state >> 16)

template <typename L>
struct JavaLcg {
    typedef typename L::U U;
    typedef typename L::U64 U64;
    typedef U64 Seed;
    typedef U Out;

    U64 state;
    ulong a, c;

    void init(thread const PrngParams &p, Seed seed) {
        a = p.java_a;
        c = p.java_c;
        state = seed & 0xFFFFFFFFFFFFUL;
    }
    enum { current_offset = 0 };
    Out current() const { return L::narrow(state >> 16); }
    Out next() {
        state = (state * a + c) & 0xFFFFFFFFFFFFUL;
        return current();
    }
    /// Exact inverse; the host asks only when a is odd.
    void prev() {
        state = ((state - c) * inverse_mod_2_64(a)) & 0xFFFFFFFFFFFFUL;
    }
    typedef AffineMap64 Jump;
    Jump jump_for(ulong n) const { return affine_power_mod_2_64(a, c, n); }  // exact mod 2^48 after masking
    void jump(Jump j) { state = (state * j.a + j.c) & 0xFFFFFFFFFFFFUL; }
    void discard(ulong n) { jump(jump_for(n)); }
    void store(thread PrngState &s) const { s.words[0] = state; }
    void load(thread const PrngParams &p, thread const PrngState &s) {
        a = p.java_a;
        c = p.java_c;
        state = s.words[0];
    }
};

// MARK: - minstd (std::minstd_rand: 48271·x mod 2^31 - 1; seed ≡ 0 starts from 1)

template <typename L>
struct Minstd {
    typedef typename L::U U;
    typedef U Seed;
    typedef U Out;

    U x;

    void init(thread const PrngParams &, Seed seed) {
        U reduced = L::narrow(L::widen(seed) % 0x7FFFFFFFUL);
        x = L::sel(reduced == L::splat(0u), L::splat(1u), reduced);
    }
    enum { current_offset = 0 };
    Out current() const { return x; }
    Out next() {
        x = reduce_mersenne31<L>(L::widen(x) * 48271UL);
        return x;
    }
    void prev() {
        x = reduce_mersenne31<L>(L::widen(x) * inverse_mod(48271UL, 0x7FFFFFFFUL));
    }
    typedef AffineMap64 Jump;
    Jump jump_for(ulong n) const { return affine_power_mod(48271UL, 0UL, 0x7FFFFFFFUL, n); }
    void jump(Jump j) { x = reduce_mersenne31<L>(L::widen(x) * ulong(uint(j.a))); }  // j.a < 2^31
    void discard(ulong n) { jump(jump_for(n)); }
    void store(thread PrngState &s) const { s.words[0] = x; }
    void load(thread const PrngParams &, thread const PrngState &s) { x = uint(s.words[0]); }
};

// MARK: - mt19937 (canonical init_genrand and genrand_int32)

template <typename L>
struct Mt19937 {
    typedef typename L::U U;
    typedef U Seed;
    typedef U Out;

    U mt[624];
    uint index;  // uniform: every lane is at the same stream position

    void init(thread const PrngParams &, Seed seed) {
        mt[0] = seed;
        for (uint i = 1; i < 624; ++i) {
            mt[i] = 1812433253u * (mt[i - 1] ^ (mt[i - 1] >> 30)) + i;
        }
        index = 624;
    }
    void twist() {
        for (uint i = 0; i < 624; ++i) {
            U y = (mt[i] & 0x80000000u) | (mt[i + 1 < 624 ? i + 1 : 0] & 0x7FFFFFFFu);
            U odd_mask = L::splat(0u) - (y & 1u);  // all ones where y is odd
            mt[i] = mt[i + 397 < 624 ? i + 397 : i + 397 - 624] ^ (y >> 1) ^ (odd_mask & 0x9908B0DFu);
        }
        index = 0;
    }
    Out next() {
        if (index >= 624) {
            twist();
        }
        U y = mt[index];
        index += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9D2C5680u;
        y ^= (y << 15) & 0xEFC60000u;
        y ^= y >> 18;
        return y;
    }
    void discard(ulong n) {
        for (ulong i = 0; i < n; ++i) {
            if (index >= 624) {
                twist();
            }
            index += 1;
        }
    }

    /// out_1 ... out_last without the 624-word state, for last <= 227: the first twist makes
    /// output p from words p - 1, p and p + 396 of the seeded state, so the seeding chain stops at
    /// word last + 396 and keeps only the words it needs (php_mt_seed's observation).
    static void first_outputs(Seed seed, uint last, thread Out *out) {
        U low[65];   // words 0 ... last (last <= 64)
        U high[64];  // words 397 ... last + 396
        U x = seed;
        low[0] = x;
        uint i = 1;
        for (; i <= last; ++i) {
            x = 1812433253u * (x ^ (x >> 30)) + i;
            low[i] = x;
        }
        for (; i < 397; ++i) {
            x = 1812433253u * (x ^ (x >> 30)) + i;
        }
        for (; i < last + 397u; ++i) {
            x = 1812433253u * (x ^ (x >> 30)) + i;
            high[i - 397u] = x;
        }
        for (uint p = 0; p < last; ++p) {
            U y = (low[p] & 0x80000000u) | (low[p + 1] & 0x7FFFFFFFu);
            U odd_mask = L::splat(0u) - (y & 1u);
            U v = high[p] ^ (y >> 1) ^ (odd_mask & 0x9908B0DFu);
            v ^= v >> 11;
            v ^= (v << 7) & 0x9D2C5680u;
            v ^= (v << 15) & 0xEFC60000u;
            v ^= v >> 18;
            out[p] = v;
        }
    }
};

// MARK: - xoshiro256++ (canonical step; s0 = seed and three fixed words)

template <typename L>
struct Xoshiro256pp {
    typedef typename L::U64 U64;
    typedef U64 Seed;
    typedef U64 Out;

    U64 s0, s1, s2, s3;

    void init(thread const PrngParams &, Seed seed) {
        s0 = seed;
        s1 = L::splat64(0x9E3779B97F4A7C15UL);
        s2 = L::splat64(0x6A09E667F3BCC908UL);
        s3 = L::splat64(0xBB67AE8584CAA73BUL);
    }
    Out next() {
        U64 result = rotl_uniform(s0 + s3, 23u, 64u) + s0;
        U64 t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = rotl_uniform(s3, 45u, 64u);
        return result;
    }
    void prev() {
        // After a step: s0' = s0^s1^s3, s1' = s0^s1^s2, s2' = s0^s2^(s1<<17), s3' = rotl(s1^s3, 45).
        U64 s1_xor_s3 = rotl_uniform(s3, 19u, 64u);  // rotr by 45
        U64 old_s0 = s0 ^ s1_xor_s3;
        U64 old_s1 = unxorshift_left(s1 ^ s2, 17u, 64u);
        U64 old_s2 = s2 ^ old_s0 ^ (old_s1 << 17);
        U64 old_s3 = s1_xor_s3 ^ old_s1;
        s0 = old_s0;
        s1 = old_s1;
        s2 = old_s2;
        s3 = old_s3;
    }
    void discard(ulong n) {
        for (ulong i = 0; i < n; ++i) {
            next();
        }
    }
    void store(thread PrngState &s) const {
        s.words[0] = s0;
        s.words[1] = s1;
        s.words[2] = s2;
        s.words[3] = s3;
    }
    void load(thread const PrngParams &, thread const PrngState &s) {
        s0 = s.words[0];
        s1 = s.words[1];
        s2 = s.words[2];
        s3 = s.words[3];
    }
};

// MARK: - philox4x32 (Philox4x32-10 word 0 at counter (p - 1, 0, 0, 0), key = the seed's halves)

template <typename L>
struct Philox4x32 {
    typedef typename L::U U;
    typedef typename L::U64 U64;
    typedef U64 Seed;
    typedef U Out;

    U counter;  // the block of the next output; wraps at 2^32
    U key0, key1;

    void init(thread const PrngParams &, Seed seed) {
        counter = L::splat(0u);
        key0 = L::narrow(seed);
        key1 = L::narrow(seed >> 32);
    }
    /// Word 0 of the Philox4x32-10 block at counter (ctr, 0, 0, 0).
    static U block_word0(U ctr, U k0, U k1) {
        U c0 = ctr;
        U c1 = L::splat(0u);
        U c2 = L::splat(0u);
        U c3 = L::splat(0u);
        for (uint round = 0; round < 10; ++round) {
            U64 product0 = L::widen(c0) * 0xD2511F53UL;
            U64 product1 = L::widen(c2) * 0xCD9E8D57UL;
            U hi0 = L::narrow(product0 >> 32);
            U lo0 = L::narrow(product0);
            U hi1 = L::narrow(product1 >> 32);
            U lo1 = L::narrow(product1);
            c0 = hi1 ^ c1 ^ k0;
            c1 = lo1;
            c2 = hi0 ^ c3 ^ k1;
            c3 = lo0;
            k0 += 0x9E3779B9u;
            k1 += 0xBB67AE85u;
        }
        return c0;
    }
    enum { current_offset = 1 };
    Out current() const { return block_word0(counter, key0, key1); }
    Out next() {
        U out = current();
        counter += 1u;
        return out;
    }
    void prev() { counter -= 1u; }
    typedef uint Jump;
    Jump jump_for(ulong n) const { return uint(n); }  // the counter is 32-bit: n mod 2^32
    void jump(Jump j) { counter += j; }
    void discard(ulong n) { jump(jump_for(n)); }
    void store(thread PrngState &s) const {
        s.words[0] = counter;
        s.words[1] = key0;
        s.words[2] = key1;
    }
    void load(thread const PrngParams &, thread const PrngState &s) {
        counter = uint(s.words[0]);
        key0 = uint(s.words[1]);
        key1 = uint(s.words[2]);
    }
};

// MARK: - sfc64 (canonical step; a = seed, fixed b and c, counter = 1)

template <typename L>
struct Sfc64 {
    typedef typename L::U64 U64;
    typedef U64 Seed;
    typedef U64 Out;

    U64 a, b, c, counter;

    void init(thread const PrngParams &, Seed seed) {
        a = seed;
        b = L::splat64(0x9E3779B97F4A7C15UL);
        c = L::splat64(0x6A09E667F3BCC908UL);
        counter = L::splat64(1UL);
    }
    Out next() {
        U64 out = a + b + counter;
        counter += 1UL;
        a = b ^ (b >> 11);
        b = c + (c << 3);
        c = rotl_uniform(c, 24u, 64u) + out;
        return out;
    }
    void prev() {
        U64 old_counter = counter - 1UL;
        U64 old_b = unxorshift_right(a, 11u, 64u);
        U64 old_c = b * inverse_mod_2_64(9UL);  // b' = 9·c
        U64 out = c - rotl_uniform(old_c, 24u, 64u);
        a = out - old_b - old_counter;
        b = old_b;
        c = old_c;
        counter = old_counter;
    }
    void discard(ulong n) {
        for (ulong i = 0; i < n; ++i) {
            next();
        }
    }
    void store(thread PrngState &s) const {
        s.words[0] = a;
        s.words[1] = b;
        s.words[2] = c;
        s.words[3] = counter;
    }
    void load(thread const PrngParams &, thread const PrngState &s) {
        a = s.words[0];
        b = s.words[1];
        c = s.words[2];
        counter = s.words[3];
    }
};

// MARK: - Dispatch on a uniform family number

/// The `case` labels of the families whose state fits a PrngState (all but mt19937).
#define SIEVE_CASES_FAMILY_WITH_STATE(L, CALL)                   \
    case PRNG_XORSHIFT32: CALL(Xorshift32<L>); break;            \
    case PRNG_XORSHIFT64: CALL(Xorshift64<L>); break;            \
    case PRNG_XORSHIFT128: CALL(Xorshift128<L>); break;          \
    case PRNG_PCG32: CALL(Pcg32<L>); break;                      \
    case PRNG_LCG32: CALL(Lcg32<L>); break;                      \
    case PRNG_JAVA_LCG: CALL(JavaLcg<L>); break;                 \
    case PRNG_MINSTD: CALL(Minstd<L>); break;                    \
    case PRNG_XOSHIRO256PP: CALL(Xoshiro256pp<L>); break;        \
    case PRNG_PHILOX4X32: CALL(Philox4x32<L>); break;            \
    case PRNG_SFC64: CALL(Sfc64<L>); break;

/// Expands `CALL(FamilyType)` for the family numbered `family` (every family).
#define SIEVE_SWITCH_FAMILY(family, L, CALL)                     \
    switch (family) {                                           \
        SIEVE_CASES_FAMILY_WITH_STATE(L, CALL)                  \
        case PRNG_MT19937: CALL(Mt19937<L>); break;             \
        default: break;                                         \
    }

/// Expands `CALL(FamilyType)` for families whose state fits a PrngState (all but mt19937).
#define SIEVE_SWITCH_FAMILY_WITH_STATE(family, L, CALL)          \
    switch (family) {                                           \
        SIEVE_CASES_FAMILY_WITH_STATE(L, CALL)                  \
        default: break;                                         \
    }

#endif  // SIEVE_FAMILIES_H
