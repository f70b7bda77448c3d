/*
 * Golden values for family java_lcg from the JDK's own java.util.Random
 * -> Tests/SieveTests/Golden/jdk_java_random.json.
 *
 * java_lcg (docs/reference-system.md section 2) is java.util.Random WITHOUT the constructor's seed
 * scramble: java_lcg seed X equals new Random(X ^ 0x5DEECE66DL), because the constructor
 * computes (seed ^ 0x5DEECE66D) & (2^48 - 1) and the two XORs cancel. The java_lcg output is
 * next(32) read as unsigned, which is what nextInt() returns (as a signed int).
 *
 * What it checks first (throws on mismatch): docs/reference-system.md TV-12 (new Random(42).nextInt() x3,
 * java_lcg(42) signed, java_lcg(12345) row) and, for every seed used, that new Random(X ^ 0x5DEECE66D)
 * gives the same stream as new Random((X & (2^48-1)) ^ 0x5DEECE66D), i.e. only the low 48 bits
 * of a java_lcg seed matter; seeds 2^48 and 0 (and 2^64-1 and 2^48-1) must give equal outputs.
 *
 * Run (normally via Scripts/golden/generate.sh):
 *   javac -d /tmp/jg Scripts/golden/JavaRandomGolden.java
 *   java -cp /tmp/jg JavaRandomGolden > Tests/SieveTests/Golden/jdk_java_random.json
 * Deterministic: the random seeds come from new Random(2026).nextLong().
 */

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

public final class JavaRandomGolden {
    private static final long SCRAMBLE = 0x5DEECE66DL;
    private static final long MASK48 = (1L << 48) - 1;

    /** A java_lcg seed is an unsigned 64-bit value; held here in a long's bits. */
    private static final class Case {
        final long seed;
        final int burn;
        final int skip;
        final long[] outputs;
        final String note;

        Case(long seed, int burn, int skip, long[] outputs, String note) {
            this.seed = seed;
            this.burn = burn;
            this.skip = skip;
            this.outputs = outputs;
            this.note = note;
        }
    }

    private static long unsignedNextInt(Random r) {
        return Integer.toUnsignedLong(r.nextInt());
    }

    /** out_{b+(j+1)(s+1)}, j = 0..count-1, of new Random(seed ^ 0x5DEECE66D). */
    private static long[] stream(long seed, int burn, int skip, int count) {
        Random r = new Random(seed ^ SCRAMBLE);
        for (int i = 0; i < burn; i++) {
            r.nextInt();
        }
        long[] out = new long[count];
        for (int j = 0; j < count; j++) {
            for (int i = 0; i < skip; i++) {
                r.nextInt();
            }
            out[j] = unsignedNextInt(r);
        }
        return out;
    }

    private static void require(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError("golden self-check failed: " + what);
        }
    }

    private static String u64(long v) {
        return Long.toUnsignedString(v);
    }

    private static String note(long seed) {
        String base = "JDK new Random(" + u64(seed) + " ^ 0x5DEECE66DL), unsigned nextInt()";
        if (Long.compareUnsigned(seed, MASK48) > 0) {
            base += "; constructor masks to 48 bits: same stream as seed " + u64(seed & MASK48);
        }
        return base;
    }

    private static Case makeCase(long seed, int burn, int skip, int count) {
        long[] out = stream(seed, burn, skip, count);
        // Only the low 48 bits of the seed may matter.
        require(Arrays.equals(out, stream(seed & MASK48, burn, skip, count)),
                "48-bit mask for seed " + u64(seed));
        return new Case(seed, burn, skip, out, note(seed));
    }

    private static void selfTest() {
        Random r42 = new Random(42);
        int[] want42 = {-1170105035, 234785527, -1360544799};
        for (int w : want42) {
            require(r42.nextInt() == w, "new Random(42).nextInt()");
        }
        Random raw42 = new Random(42L ^ SCRAMBLE);
        int[] wantRaw42 = {16159453, -1281479697, -340305902};
        for (int w : wantRaw42) {
            require(raw42.nextInt() == w, "java_lcg(42) signed");
        }
        long[] want12345 = {454757875L, 3428499331L, 68972694L, 2852015737L, 184400468L};
        require(Arrays.equals(stream(12345L, 0, 0, 5), want12345), "java_lcg(12345) row (TV-7)");
        long two48 = 1L << 48;
        require(Arrays.equals(stream(two48, 0, 0, 64), stream(0L, 0, 0, 64)), "seed 2^48 == seed 0");
        require(Arrays.equals(stream(-1L, 0, 0, 64), stream(MASK48, 0, 0, 64)), "seed 2^64-1 == seed 2^48-1");
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            if (ch == '"' || ch == '\\') {
                b.append('\\');
            }
            b.append(ch);
        }
        return b.append('"').toString();
    }

    /** Writes the shared golden layout (see Scripts/golden/golden_json.py). */
    private static String render(String source, List<Case> cases) {
        StringBuilder b = new StringBuilder();
        b.append("{\n");
        b.append("  \"source\": ").append(quote(source)).append(",\n");
        b.append("  \"generator\": ").append(quote("Scripts/golden/JavaRandomGolden.java")).append(",\n");
        b.append("  \"cases\": [\n");
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            b.append("    {\n");
            b.append("      \"family\": \"java_lcg\",\n");
            b.append("      \"params\": {},\n");
            b.append("      \"seed\": ").append(quote(u64(c.seed))).append(",\n");
            b.append("      \"burn\": ").append(c.burn).append(",\n");
            b.append("      \"skip\": ").append(c.skip).append(",\n");
            b.append("      \"outputs\": [");
            for (int j = 0; j < c.outputs.length; j++) {
                if (j > 0) {
                    b.append(", ");
                }
                b.append(quote(Long.toString(c.outputs[j])));
            }
            b.append("],\n");
            b.append("      \"note\": ").append(quote(c.note)).append("\n");
            b.append(i + 1 < cases.size() ? "    },\n" : "    }\n");
        }
        b.append("  ]\n");
        b.append("}\n");
        return b.toString();
    }

    public static void main(String[] args) {
        selfTest();

        List<Long> seeds = new ArrayList<>(Arrays.asList(
                0L, 1L, 42L, 1234L, 12345L, 987654L,
                (1L << 31) - 1,            // 2^31 - 1
                (1L << 32) - 1,            // 2^32 - 1
                (1L << 47) + 5,            // 2^47 + 5
                MASK48,                    // 2^48 - 1
                1L << 48,                  // 2^48 (masks to 0)
                Long.MIN_VALUE + 12345L,   // 2^63 + 12345
                -1L));                     // 2^64 - 1
        BigInteger check = BigInteger.ONE.shiftLeft(63).add(BigInteger.valueOf(12345));
        require(Long.toUnsignedString(Long.MIN_VALUE + 12345L).equals(check.toString()), "2^63+12345 literal");
        Random seedSource = new Random(2026);
        for (int i = 0; i < 10; i++) {
            seeds.add(seedSource.nextLong());
        }

        List<Case> cases = new ArrayList<>();
        for (long seed : seeds) {
            cases.add(makeCase(seed, 0, 0, 64));
        }
        int[][] burnSkip = {{7, 3}, {100, 0}, {0, 5}, {13, 17}};
        long[] bsSeeds = {12345L, 987654L, seeds.get(13)};
        for (long seed : bsSeeds) {
            for (int[] bs : burnSkip) {
                cases.add(makeCase(seed, bs[0], bs[1], 64));
            }
        }

        String source = "OpenJDK " + System.getProperty("java.runtime.version") + " java.util.Random";
        System.out.print(render(source, cases));
        System.out.flush();
        System.err.println("JavaRandomGolden: checks passed, " + cases.size() + " cases");
    }
}
