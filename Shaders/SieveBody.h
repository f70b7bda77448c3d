// SieveBody.h — the sieve (docs/semantics.md §2–4), written once as lane-wise bodies.
//
// For a group of seeds (one per lane) and every skip s in [skip_min, skip_max], a window's count is
//     m(s) = #{ i < k : out_{c0 + (c1 + i)(s + 1)} mod M == draw_i }
// which covers every window the product defines: the forward window (c0 = b, c1 = o + 1), the
// reverse window read oldest first (c0 = b, c1 = o - kr + 1), and reference mode (c0 = b + o,
// c1 = 1, the reverse window being the forward one read backwards).
//
// Two bodies compute the same counts:
//   - strided (jump families): per skip, one jump to the window's first output, then one
//     precomputed jump per draw;
//   - streamed (every family): one pass over each seed's stream, in segments of SIEVE_SEGMENT
//     outputs, feeding every skip's counters, so an offset or burn-in is walked once per seed.
// Both abandon a (window, skip) as soon as no lane that matters can reach its threshold, and a
// group as soon as every (window, skip) is abandoned or complete; abandoned counts stay below their
// thresholds, so survivors and their reported counts are exact.

#ifndef SIEVE_BODY_H
#define SIEVE_BODY_H

#include "Families.h"

// Outputs per segment of the streamed body. A GPU thread keeps 64 (its private memory is scarce); a
// CPU variant may define more before including this file, which spreads the per-segment walk over
// every skip's counters across more outputs (docs/performance.md, "Techniques, per family").
#ifndef SIEVE_SEGMENT_OUTPUTS
#define SIEVE_SEGMENT_OUTPUTS 64
#endif
enum { SIEVE_SEGMENT = SIEVE_SEGMENT_OUTPUTS };

/// The uniform arguments of a sieve pass, copied out of the constant address space.
struct SieveUniforms {
    PrngParams params;
    SieveWindow forward;
    SieveWindow reverse;
    ulong stream_first;
    ulong stream_last;
    ulong modulus;
    uint mod_inverse;
    uint mod_shift;
    uint mod_limit;
    uint mod_is_2_32;
    uint skip_min;
    uint skip_max;
    uint forward_min;
    uint reverse_min;
    uint reverse_mode;
    uint capacity;
    uint class_count;
    uint class_bits;
    uint class_offset;
    uint mask_offset;
    uint mask_words;
    ulong class_position;
    ulong class_seed_min;
    ulong class_seed_max;
    uint mod_shift64;
    ulong mod_inverse64;
    ulong mod_limit64;
};

inline SieveWindow load_window(constant SieveWindow &source) {
    SieveWindow w;
    w.count = source.count;
    w.first_draw = source.first_draw;
    w.c0 = source.c0;
    w.c1 = source.c1;
    return w;
}

inline SieveUniforms load_uniforms(constant SieveArgs &a) {
    SieveUniforms u;
    u.params.family = a.params.family;
    u.params.xorshift_a = a.params.xorshift_a;
    u.params.xorshift_b = a.params.xorshift_b;
    u.params.xorshift_c = a.params.xorshift_c;
    u.params.pcg_increment = a.params.pcg_increment;
    u.params.lcg_a = a.params.lcg_a;
    u.params.lcg_c = a.params.lcg_c;
    u.params.lcg_m = a.params.lcg_m;
    u.params.java_a = a.params.java_a;
    u.params.java_c = a.params.java_c;
    u.forward = load_window(a.forward);
    u.reverse = load_window(a.reverse);
    u.stream_first = a.stream_first;
    u.stream_last = a.stream_last;
    u.modulus = a.modulus;
    u.mod_inverse = a.mod_inverse;
    u.mod_shift = a.mod_shift;
    u.mod_limit = a.mod_limit;
    u.mod_is_2_32 = a.mod_is_2_32;
    u.skip_min = a.skip_min;
    u.skip_max = a.skip_max;
    u.forward_min = a.forward_min;
    u.reverse_min = a.reverse_min;
    u.reverse_mode = a.reverse_mode;
    u.capacity = a.capacity;
    u.class_count = a.class_count;
    u.class_bits = a.class_bits;
    u.class_offset = a.class_offset;
    u.mask_offset = a.mask_offset;
    u.mask_words = a.mask_words;
    u.class_position = a.class_position;
    u.class_seed_min = a.class_seed_min;
    u.class_seed_max = a.class_seed_max;
    u.mod_shift64 = a.mod_shift64;
    u.mod_inverse64 = a.mod_inverse64;
    u.mod_limit64 = a.mod_limit64;
    return u;
}

// MARK: - The match test

/// Whether a 32-bit output x reduces to draw r mod M, without a division: x mod M == r exactly when
/// x >= r and M divides x - r, and with M = 2^t·q (q odd), M divides d < 2^32 exactly when
/// rotr(d · q⁻¹ mod 2^32, t) <= floor((2^32 - 1) / M) (Granlund and Montgomery's test).
template <typename L>
inline typename L::M draw_matches(typename L::U x, uint r, thread const SieveUniforms &u) {
    // M = 2^32 arrives as inverse 1, shift 0, limit 0: the test becomes x - r == 0.
    typename L::U d = (x - r) * u.mod_inverse;
    d = (d >> u.mod_shift) | (d << ((32u - u.mod_shift) & 31u));
    return L::both(x >= r, d <= u.mod_limit);
}

/// Whether a 64-bit output x reduces to draw r mod M: the same divisibility test in 64 bits
/// (rotr(d · q⁻¹ mod 2^64, t) <= floor((2^64 - 1) / M)), without a 64-bit division.
template <typename L>
inline typename L::M draw_matches(typename L::U64 x, uint r, thread const SieveUniforms &u) {
    typename L::U64 d = (x - ulong(r)) * u.mod_inverse64;
    d = (d >> ulong(u.mod_shift64)) | (d << ((64UL - ulong(u.mod_shift64)) & 63UL));
    return L::narrow_mask(L::both64(x >= ulong(r), d <= u.mod_limit64));
}

// MARK: - Seeds

/// Seeds arrive as 64-bit lanes; 32-bit-seed families take their low words.
template <typename L, int WIDE>
struct SeedLanes;
template <typename L>
struct SeedLanes<L, 1> {
    static typename L::U64 of(typename L::U64 seeds) { return seeds; }
};
template <typename L>
struct SeedLanes<L, 0> {
    static typename L::U of(typename L::U64 seeds) { return L::narrow(seeds); }
};

template <typename F, typename L>
inline typename F::Seed seeds_for(typename L::U64 seeds) {
    return SeedLanes<L, sizeof(typename F::Seed) == sizeof(typename L::U64) ? 1 : 0>::of(seeds);
}

// MARK: - The seeds of a group, and the skips each can pass

enum { SIEVE_MASK_WORDS = SIEVE_MAX_SKIPS_PER_PASS / 32 };

/// Per lane, the skips (index k = s - skip_min) at which each window can still reach its threshold:
/// every skip for a plain range; for a pruned set, those of the lane's low-bit class. A window
/// that cannot pass at a skip needs no count there: its count stays below the threshold anyway,
/// so leaving it out changes no record.
template <typename L>
struct SkipMasks {
    typedef typename L::U U;
    typedef typename L::M M;

    U forward[SIEVE_MASK_WORDS];
    U reverse[SIEVE_MASK_WORDS];
    bool masked;

    M forward_at(uint k) const { return masked ? bit(forward[k >> 5], k) : every(); }
    M reverse_at(uint k) const { return masked ? bit(reverse[k >> 5], k) : every(); }

    static M every() { return L::splat(0u) == L::splat(0u); }
    static M bit(U word, uint k) { return ((word >> (k & 31u)) & 1u) != 0u; }
};

/// The seeds of grid positions first ... first + L::lanes - 1 and their skip masks. Lanes at or
/// past `active` (the end of the grid) repeat the last active seed, and lanes of a pruned set
/// whose seed is outside class_seed_min ... class_seed_max keep theirs, with no skip to count;
/// their records are never appended (``lane_kept``).
template <typename L>
inline typename L::U64 group_seeds(thread const SieveUniforms &u, constant SieveArgs &a, device const uint *data, ulong first,
                                   uint active, thread SkipMasks<L> &masks) {
    if (u.class_count == 0u) {
        masks.masked = false;
        return L::splat64(a.seed_first + first * a.seed_stride) + L::iota64() * a.seed_stride;
    }
    masks.masked = true;
    const uint words = u.mask_words;
    for (uint w = 0; w < words; ++w) {
        masks.forward[w] = L::splat(0u);
        masks.reverse[w] = L::splat(0u);
    }
    // The pruned set in order: position f is class f mod n of block f / n.
    ulong f = u.class_position + first;
    ulong block = f / ulong(u.class_count);
    uint j = uint(f % ulong(u.class_count));
    typename L::U64 seeds = L::splat64(0UL);
    ulong seed = 0UL;
    for (uint lane = 0; lane < uint(L::lanes); ++lane) {
        if (lane < active) {
            seed = (block << ulong(u.class_bits)) | ulong(data[u.class_offset + j]);
            if (seed >= u.class_seed_min && seed <= u.class_seed_max) {
                ulong m = ulong(u.mask_offset) + ulong(j) * ulong(2u * words);
                for (uint w = 0; w < words; ++w) {
                    masks.forward[w] = L::with_lane(masks.forward[w], lane, data[m + w]);
                    masks.reverse[w] = L::with_lane(masks.reverse[w], lane, data[m + words + w]);
                }
            }
            j += 1u;
            if (j == u.class_count) {
                j = 0u;
                block += 1UL;
            }
        }
        seeds = L::with_lane64(seeds, lane, seed);
    }
    return seeds;
}

/// Whether a lane's record may be appended: always for a plain range; for a pruned set, when its
/// seed is within the kept seeds (the others were never counted).
inline bool lane_kept(thread const SieveUniforms &u, ulong seed) {
    return u.class_count == 0u || (seed >= u.class_seed_min && seed <= u.class_seed_max);
}

// MARK: - Per-skip bookkeeping

/// The best skips of a group of lanes over the skips seen so far.
template <typename L>
struct SieveOutcome {
    typedef typename L::U U;
    typedef typename L::M M;

    U forward_best;       // the most forward matches
    U forward_skip;       // the smallest skip with them
    U reverse_best;
    U reverse_skip;
    U bidirectional_sum;  // mF + mR + 1 at the best passing skip; 0 while none passed
    U bidirectional_skip;
    U bidirectional_forward;
    U bidirectional_reverse;

    void reset(uint skip_min) {
        forward_best = L::splat(0u);
        forward_skip = L::splat(skip_min);
        reverse_best = L::splat(0u);
        reverse_skip = L::splat(skip_min);
        bidirectional_sum = L::splat(0u);
        bidirectional_skip = L::splat(0u);
        bidirectional_forward = L::splat(0u);
        bidirectional_reverse = L::splat(0u);
    }

    /// Takes the counts of skip s (skips arrive in increasing order: ties keep the earlier skip).
    void add(uint s, U forward, bool has_reverse, U reverse, thread const SieveUniforms &u) {
        U skip = L::splat(s);
        M better = forward > forward_best;
        forward_best = L::sel(better, forward, forward_best);
        forward_skip = L::sel(better, skip, forward_skip);
        if (!has_reverse) {
            return;
        }
        if (u.reverse_mode == SIEVE_REVERSE_FULL || u.reverse_mode == SIEVE_REVERSE_REFERENCE) {
            M better_reverse = reverse > reverse_best;
            reverse_best = L::sel(better_reverse, reverse, reverse_best);
            reverse_skip = L::sel(better_reverse, skip, reverse_skip);
        }
        if (u.reverse_mode == SIEVE_REVERSE_ON_FORWARD || u.reverse_mode == SIEVE_REVERSE_FULL) {
            U sum = forward + reverse + 1u;
            M passes = L::both(forward >= u.forward_min, reverse >= u.reverse_min);
            M better_pair = L::both(passes, sum > bidirectional_sum);
            bidirectional_sum = L::sel(better_pair, sum, bidirectional_sum);
            bidirectional_skip = L::sel(better_pair, skip, bidirectional_skip);
            bidirectional_forward = L::sel(better_pair, forward, bidirectional_forward);
            bidirectional_reverse = L::sel(better_pair, reverse, bidirectional_reverse);
        }
    }

    /// The record of one lane; flags 0 when the lane's seed passed nothing that is reported.
    SieveRecord record(uint lane, thread const SieveUniforms &u) const {
        SieveRecord r = {0UL, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u};
        uint mode = u.reverse_mode;
        uint forward = L::lane(forward_best, lane);
        if (forward >= u.forward_min) {
            r.flags |= uint(SIEVE_PASSED_FORWARD);
            r.forward_matches = forward;
            r.forward_skip = L::lane(forward_skip, lane);
        }
        if (mode == SIEVE_REVERSE_FULL || mode == SIEVE_REVERSE_REFERENCE) {
            uint reverse = L::lane(reverse_best, lane);
            if (reverse >= u.reverse_min) {
                r.flags |= uint(SIEVE_PASSED_REVERSE);
                r.reverse_matches = reverse;
                r.reverse_skip = L::lane(reverse_skip, lane);
            }
        }
        if (mode == SIEVE_REVERSE_REFERENCE) {
            if ((r.flags & uint(SIEVE_PASSED_FORWARD)) != 0 && (r.flags & uint(SIEVE_PASSED_REVERSE)) != 0) {
                r.flags |= uint(SIEVE_PASSED_BIDIRECTIONAL);
            }
        } else if (L::lane(bidirectional_sum, lane) != 0) {
            r.flags |= uint(SIEVE_PASSED_BIDIRECTIONAL);
            r.bidirectional_skip = L::lane(bidirectional_skip, lane);
            r.bidirectional_forward = L::lane(bidirectional_forward, lane);
            r.bidirectional_reverse = L::lane(bidirectional_reverse, lane);
        }
        return r;
    }
};

/// Appends the records of the first `active` lanes that passed, through the atomic counter; past
/// the capacity it only counts, so that the host sees the overflow and re-runs the chunk in pieces.
template <typename L>
inline void append_records(thread const SieveOutcome<L> &outcome, thread const SieveUniforms &u, typename L::U64 seeds,
                           uint active, device atomic_uint *counter, device SieveRecord *records) {
    // Most groups keep no seed: test every lane at once before looking at any one.
    typename L::M kept = outcome.forward_best >= u.forward_min;
    if (u.reverse_mode == SIEVE_REVERSE_FULL || u.reverse_mode == SIEVE_REVERSE_REFERENCE) {
        kept = L::either(kept, outcome.reverse_best >= u.reverse_min);
    }
    if (!L::any(kept)) {
        return;
    }
    for (uint lane = 0; lane < active; ++lane) {
        SieveRecord r = outcome.record(lane, u);
        if (r.flags == 0) {
            continue;
        }
        r.seed = L::lane64(seeds, lane);
        if (!lane_kept(u, r.seed)) {
            continue;
        }
        uint slot = atomic_fetch_add_explicit(counter, 1u, memory_order_relaxed);
        if (slot < u.capacity) {
            records[slot] = r;
        }
    }
}

// MARK: - Strided body (jump families)

/// The matches of one window at skip s; stops when no lane in `matters` can reach `needed`.
///
/// The generator jumps once to the state whose `current()` output is the window's first, then once
/// per draw by the stride s + 1: one affine step per draw, whatever the skip.
template <typename F, typename L>
inline typename L::U count_strided(thread const SieveUniforms &u, typename F::Seed seeds, device const uint *draws,
                                   thread const SieveWindow &w, uint s, uint needed, typename L::M matters) {
    F generator;
    generator.init(u.params, seeds);
    ulong stride = ulong(s) + 1UL;
    generator.jump(generator.jump_for(w.c0 + w.c1 * stride - ulong(F::current_offset)));
    typename F::Jump step = generator.jump_for(stride);
    typename L::U count = L::splat(0u);
    for (uint i = 0; i < w.count; ++i) {
        count = L::inc_if(count, draw_matches<L>(generator.current(), draws[w.first_draw + i], u));
        uint left = w.count - 1u - i;
        if (left == 0) {
            break;
        }
        // Every fourth draw: stop once no lane that matters can still reach the threshold.
        if ((i & 3u) == 3u && !L::any(L::both(matters, count + left >= needed))) {
            break;
        }
        generator.jump(step);
    }
    return count;
}

template <typename F, typename L>
inline void sieve_strided_group(thread const SieveUniforms &u, typename L::U64 seeds64, device const uint *draws,
                                thread const SkipMasks<L> &masks, thread SieveOutcome<L> &outcome) {
    typename F::Seed seeds = seeds_for<F, L>(seeds64);
    const bool full = u.reverse_mode == SIEVE_REVERSE_FULL || u.reverse_mode == SIEVE_REVERSE_REFERENCE;
    for (uint s = u.skip_min;; ++s) {
        uint k = s - u.skip_min;
        typename L::M forward_matters = masks.forward_at(k);
        typename L::M reverse_matters = masks.reverse_at(k);
        bool any_forward = L::any(forward_matters);
        bool any_reverse = full && L::any(reverse_matters);
        if (any_forward || any_reverse) {
            typename L::U forward = L::splat(0u);
            if (any_forward) {
                forward = count_strided<F, L>(u, seeds, draws, u.forward, s, u.forward_min, forward_matters);
            }
            typename L::U reverse = L::splat(0u);
            bool has_reverse = false;
            if (full) {
                if (any_reverse) {
                    reverse = count_strided<F, L>(u, seeds, draws, u.reverse, s, u.reverse_min, reverse_matters);
                }
                has_reverse = true;
            } else if (u.reverse_mode == SIEVE_REVERSE_ON_FORWARD) {
                typename L::M needed = L::both(forward >= u.forward_min, reverse_matters);
                if (L::any(needed)) {
                    reverse = count_strided<F, L>(u, seeds, draws, u.reverse, s, u.reverse_min, needed);
                    has_reverse = true;
                }
            }
            outcome.add(s, forward, has_reverse, reverse, u);
        }
        if (s == u.skip_max) {
            break;
        }
    }
}

// MARK: - Streamed body (every family)

/// Feeds a window's counters at skip s with the outputs at positions [base, end) held in `kept`.
/// Returns whether the (window, skip) is still open (neither complete nor hopeless).
/// `kept` holds the family's whole outputs (32- or 64-bit), tested by `draw_matches`.
template <typename L, typename K>
inline bool feed_window(thread const SieveUniforms &u, device const uint *draws, thread const SieveWindow &w,
                        ulong stride, thread const K *kept, ulong base, ulong end,
                        uint needed, thread typename L::U &count, thread uint &next) {
    while (next < w.count) {
        ulong position = w.c0 + (w.c1 + ulong(next)) * stride;
        if (position >= end) {
            break;
        }
        count = L::inc_if(count, draw_matches<L>(kept[position - base], draws[w.first_draw + next], u));
        next += 1u;
    }
    if (next >= w.count) {
        return false;
    }
    return L::any(count + (w.count - next) >= needed);
}

/// The counters of the streamed body: per skip (index k = s - skip_min, below MAX_SKIPS) and window.
template <typename L, uint MAX_SKIPS>
struct StreamCounters {
    typename L::U forward_count[MAX_SKIPS];
    typename L::U reverse_count[MAX_SKIPS];
    uint forward_next[MAX_SKIPS];
    uint reverse_next[MAX_SKIPS];
    bool forward_open[MAX_SKIPS];
    bool reverse_open[MAX_SKIPS];
};

/// Feeds every open (window, skip) with the outputs at positions [base, end); returns whether any
/// is still open.
template <typename L, uint MAX_SKIPS, typename K>
inline bool feed_segment(thread const SieveUniforms &u, device const uint *draws, thread const K *kept,
                         ulong base, ulong end, uint skips, thread StreamCounters<L, MAX_SKIPS> &c) {
    bool any_open = false;
    for (uint k = 0; k < skips; ++k) {
        ulong stride = ulong(u.skip_min + k) + 1UL;
        if (c.forward_open[k]) {
            c.forward_open[k] = feed_window<L>(u, draws, u.forward, stride, kept, base, end,
                                               u.forward_min, c.forward_count[k], c.forward_next[k]);
        }
        if (c.reverse_open[k]) {
            c.reverse_open[k] = feed_window<L>(u, draws, u.reverse, stride, kept, base, end,
                                               u.reverse_min, c.reverse_count[k], c.reverse_next[k]);
        }
        any_open = any_open || c.forward_open[k] || c.reverse_open[k];
    }
    return any_open;
}

/// A shortcut some families have for the first outputs of a stream (none by default).
template <typename F>
struct StreamPrefix {
    static bool applies(thread const SieveUniforms &) { return false; }
    template <typename Seed, typename U>
    static void fill(thread const SieveUniforms &, Seed, thread U *) {}
};

/// mt19937: the first outputs without the 624-word state, when the stream ends by output 64.
template <typename L>
struct StreamPrefix<Mt19937<L> > {
    static bool applies(thread const SieveUniforms &u) { return u.stream_last <= 64UL; }
    static void fill(thread const SieveUniforms &u, typename L::U seeds, thread typename L::U *kept) {
        typename L::U outputs[64];
        Mt19937<L>::first_outputs(seeds, uint(u.stream_last), outputs);
        for (ulong p = u.stream_first; p <= u.stream_last; ++p) {
            kept[p - u.stream_first] = outputs[p - 1UL];
        }
    }
};

/// MAX_SKIPS bounds skip_max - skip_min + 1 (the counters' size): the CPU's widest lane groups take
/// fewer skips, so that their counters stay small.
template <typename F, typename L, uint MAX_SKIPS = SIEVE_MAX_SKIPS_PER_PASS>
inline void sieve_streamed_group(thread const SieveUniforms &u, typename L::U64 seeds64, device const uint *draws,
                                 thread SieveOutcome<L> &outcome) {
    const uint skips = u.skip_max - u.skip_min + 1u;
    const bool has_reverse = u.reverse_mode != SIEVE_REVERSE_NONE && u.reverse.count > 0;

    StreamCounters<L, MAX_SKIPS> counters;
    for (uint k = 0; k < skips; ++k) {
        counters.forward_count[k] = L::splat(0u);
        counters.reverse_count[k] = L::splat(0u);
        counters.forward_next[k] = 0u;
        counters.reverse_next[k] = 0u;
        counters.forward_open[k] = u.forward.count > 0;
        counters.reverse_open[k] = has_reverse;
    }

    // Whole outputs, tested only where a window compares them: a 64-bit family's residue is never
    // computed for the outputs in between.
    typename F::Out kept[SIEVE_SEGMENT];
    if (StreamPrefix<F>::applies(u)) {
        StreamPrefix<F>::fill(u, seeds_for<F, L>(seeds64), kept);
        feed_segment<L, MAX_SKIPS>(u, draws, kept, u.stream_first, u.stream_last + 1UL, skips, counters);
    } else {
        F generator;
        generator.init(u.params, seeds_for<F, L>(seeds64));
        generator.discard(u.stream_first - 1UL);
        for (ulong base = u.stream_first; base <= u.stream_last;) {
            ulong remaining = u.stream_last - base + 1UL;
            uint filled = remaining < ulong(SIEVE_SEGMENT) ? uint(remaining) : uint(SIEVE_SEGMENT);
            for (uint j = 0; j < filled; ++j) {
                kept[j] = generator.next();
            }
            ulong end = base + ulong(filled);
            if (!feed_segment<L, MAX_SKIPS>(u, draws, kept, base, end, skips, counters)) {
                break;
            }
            base = end;
        }
    }
    for (uint k = 0; k < skips; ++k) {
        outcome.add(u.skip_min + k, counters.forward_count[k], has_reverse, counters.reverse_count[k], u);
    }
}

#endif  // SIEVE_BODY_H
