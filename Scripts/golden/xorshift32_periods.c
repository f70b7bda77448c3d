/* The length of xorshift32's cycle through the state 1, by stepping until it returns, for shift
 * triples given as arguments "a,b,c ...": the independent source of
 * Tests/SieveTests/Golden/xorshift32_periods.json (Scripts/golden/xorshift32-periods.sh), which
 * XorshiftCycle's GF(2) order test must agree with. A triple whose cycle through 1 has length
 * 2^32 - 1 puts every nonzero state on that one cycle.
 *
 * About 5-10 s of CPU per full-period triple at -O2. Prints a JSON array of
 * {"a":..,"b":..,"c":..,"period":..}. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    printf("[\n");
    for (int i = 1; i < argc; ++i) {
        unsigned a, b, c;
        if (sscanf(argv[i], "%u,%u,%u", &a, &b, &c) != 3) {
            fprintf(stderr, "not a triple a,b,c: %s\n", argv[i]);
            return 2;
        }
        uint32_t x = 1;
        uint64_t steps = 0;
        do {
            x ^= x << a;
            x ^= x >> b;
            x ^= x << c;
            steps++;
        } while (x != 1);
        printf("  {\"a\": %u, \"b\": %u, \"c\": %u, \"period\": %llu}%s\n", a, b, c, (unsigned long long)steps,
               i + 1 < argc ? "," : "");
    }
    printf("]\n");
    return 0;
}
