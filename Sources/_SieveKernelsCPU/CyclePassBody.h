// CyclePassBody.h — the cycle pass's block body (CyclePass.cpp), included once per instruction set
// inside that variant's namespace, so that it is compiled for it. No include guard, on purpose.
//
// A block is W·n consecutive cycle indices u of one generator whose states form a single cycle
// (xorshift32). `codes[t]` is the code of the state at index base + t: 1 + the index of its
// residue among the windows' distinct draws, or 0 when the residue is none of them. The seed at
// index base + u reads its output p at codes[u + p - first], so draw i of a window at skip s is a
// match exactly when codes[u + offsets[s·k + i]] equals that draw's code: for W neighbouring seeds
// at once, one unaligned W-byte load and one byte compare.

template <int W>
uint32_t cycle_block(const CyclePassArgs &a, const uint32_t *offsets, const uint8_t *ids, const uint8_t *codes,
                     uint32_t *found, uint32_t capacity) {
    typedef uint8_t B __attribute__((ext_vector_type(W)));
    uint32_t count = 0;
    const uint32_t windows[2][2] = {{a.forward_count, a.forward_min}, {a.reverse_count, a.reverse_min}};
    for (uint32_t u0 = 0; u0 < a.block_length; u0 += W) {
        B passed = (B)0;
        const uint32_t *window_offsets = offsets;
        const uint8_t *window_ids = ids;
        for (int w = 0; w < 2; ++w) {
            const uint32_t k = windows[w][0];
            const uint32_t minimum = windows[w][1];
            if (k == 0) {
                continue;
            }
            const uint32_t *o = window_offsets;
            for (uint32_t s = 0; s < a.skip_count; ++s, o += k) {
                B matches = (B)0;
                for (uint32_t i = 0; i < k; ++i) {
                    B v;
                    __builtin_memcpy(&v, codes + u0 + o[i], sizeof(B));
                    matches -= (B)(v == (B)window_ids[i]);
                    // Every 8 draws: stop once no lane can reach the minimum with the draws left.
                    if ((i & 7u) == 7u && uint32_t(__builtin_reduce_max(matches)) + (k - 1u - i) < minimum) {
                        break;
                    }
                }
                passed |= (B)(matches >= (B)uint8_t(minimum));
            }
            window_offsets += a.skip_count * k;
            window_ids += k;
        }
        if (__builtin_reduce_or(passed) != 0) {
            for (uint32_t lane = 0; lane < uint32_t(W) && u0 + lane < a.block_length; ++lane) {
                if (passed[lane] != 0) {
                    if (count < capacity) {
                        found[count] = u0 + lane;
                    }
                    ++count;
                }
            }
        }
    }
    return count;
}
