/* Checks that xorshift32 with the shifts 13/17/5 (docs/reference-system.md, the family's defaults)
 * has one cycle through every nonzero state: stepping from 1 returns to 1 after exactly
 * 2^32 - 1 = 4294967295 steps (docs/performance.md, "What would cut it").
 *
 *     cc -O2 Scripts/analysis/xorshift32_period.c -o /tmp/xorshift32_period && /tmp/xorshift32_period
 *
 * About 10 s of CPU. Prints the period and exits 0 when it is 2^32 - 1, 1 otherwise. */
#include <stdint.h>
#include <stdio.h>

int main(void) {
    uint32_t x = 1;
    uint64_t steps = 0;
    do {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        steps++;
    } while (x != 1);
    printf("%llu\n", (unsigned long long)steps);
    return steps == 4294967295ULL ? 0 : 1;
}
