// SieveGroups.h — the CPU's driver of the sieve bodies: lane groups of seeds, each run through the
// strided or streamed body, then appended as records. Included once per instruction set
// (SieveLanes*.cpp), inside that variant's namespace, so that every function here is compiled
// for it. No include guard, on purpose.

template <typename L, uint32_t MAX_SKIPS = SIEVE_MAX_SKIPS_PER_PASS>
void sieve_groups(uint32_t strategy, const SieveArgs &args, const uint32_t *draws, metal::atomic_uint *counter,
                  SieveRecord *records, uint64_t group_begin, uint64_t group_end) {
    typedef typename L::U64 U64;
    SieveUniforms u = load_uniforms(args);
    SkipMasks<L> masks;
    for (uint64_t group = group_begin; group < group_end; ++group) {
        uint64_t first = group * uint64_t(L::lanes);
        if (first >= args.seed_count) {
            break;
        }
        uint64_t left = args.seed_count - first;
        uint32_t active = left < uint64_t(L::lanes) ? uint32_t(left) : uint32_t(L::lanes);
        U64 seeds = group_seeds<L>(u, args, draws, first, active, masks);
        SieveOutcome<L> outcome;
        outcome.reset(u.skip_min);
        if (strategy == SIEVE_CPU_STRIDED) {
            switch (u.params.family) {
                case PRNG_PCG32: sieve_strided_group<Pcg32<L>, L>(u, seeds, draws, masks, outcome); break;
                case PRNG_LCG32: sieve_strided_group<Lcg32<L>, L>(u, seeds, draws, masks, outcome); break;
                case PRNG_JAVA_LCG: sieve_strided_group<JavaLcg<L>, L>(u, seeds, draws, masks, outcome); break;
                case PRNG_MINSTD: sieve_strided_group<Minstd<L>, L>(u, seeds, draws, masks, outcome); break;
                case PRNG_PHILOX4X32: sieve_strided_group<Philox4x32<L>, L>(u, seeds, draws, masks, outcome); break;
                default: return;
            }
        } else {
#define SIEVE_STREAMED_LANES(F) sieve_streamed_group<F, L, MAX_SKIPS>(u, seeds, draws, outcome)
            SIEVE_SWITCH_FAMILY(u.params.family, L, SIEVE_STREAMED_LANES)
#undef SIEVE_STREAMED_LANES
        }
        append_records<L>(outcome, u, seeds, active, counter, records);
    }
}
