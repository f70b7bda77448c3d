#!/usr/bin/env python3
"""Golden values from numpy's own bit generators -> Tests/SieveTests/Golden/numpy.json.

  * family mt19937: numpy.random.RandomState(seed) (legacy seeding = init_genrand(seed)),
    raw 32-bit outputs of its underlying MT19937 bit generator (random_raw).
  * family sfc64: numpy.random.SFC64 with its raw state overwritten through the `state`
    setter to [a, b, c, counter] = [seed, 0x9E3779B97F4A7C15, 0x6A09E667F3BCC908, 1]
    (docs/reference-system.md section 2's non-canonical seeding), raw 64-bit outputs (random_raw).

What it checks first (aborts on mismatch): RandomState(12345) raw = 3992670690, 3823185381,
1358822685; RandomState(5489) first = 3499211612 and 10,000th = 4123659995; sfc64 seed 12345
first outputs = the TV-11 row of docs/reference-system.md section 9.

Run:  python3 Scripts/golden/numpy_golden.py [OUTPUT.json]
      (default output: Tests/SieveTests/Golden/numpy.json; normally via generate.sh).
Deterministic: the random seeds come from random.Random(20261122).
"""

import os
import random
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_json import render, stream_positions  # noqa: E402

import numpy as np  # noqa: E402

SFC64_B = 0x9E3779B97F4A7C15
SFC64_C = 0x6A09E667F3BCC908


def mt19937_raw(seed, n):
    bitgen = np.random.RandomState(seed)._bit_generator
    return [int(v) for v in bitgen.random_raw(n)]


def sfc64_raw(seed, n):
    bitgen = np.random.SFC64(0)
    bitgen.state = {
        "bit_generator": "SFC64",
        "state": {"state": np.array([seed, SFC64_B, SFC64_C, 1], dtype=np.uint64)},
        "has_uint32": 0,
        "uinteger": 0,
    }
    return [int(v) for v in bitgen.random_raw(n)]


def case(family, raw_fn, seed, burn, skip, count, note):
    positions = stream_positions(burn, skip, count)
    raw = raw_fn(seed, positions[-1])
    return {"family": family, "params": {}, "seed": seed, "burn": burn, "skip": skip,
            "outputs": [raw[p - 1] for p in positions], "note": note}


def check(label, got, want):
    if got != want:
        sys.stderr.write("FAILED %s\n  got:  %r\n  want: %r\n" % (label, got, want))
        sys.exit(1)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out_path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        here, "..", "..", "Tests", "SieveTests", "Golden", "numpy.json")

    check("RandomState(12345) raw", mt19937_raw(12345, 3), [3992670690, 3823185381, 1358822685])
    check("RandomState(5489) first", mt19937_raw(5489, 1), [3499211612])
    check("RandomState(5489) 10,000th", mt19937_raw(5489, 10000)[-1], 4123659995)
    check("sfc64 seed 12345", sfc64_raw(12345, 5),
          [11400714819323210831, 6376491232222815908, 17425338571189619978,
           16912166003264728383, 9807794092452656986])
    check("sfc64 seed 12345 first", sfc64_raw(12345, 1), [11400714819323210831])

    rng = random.Random(20261122)
    mt_seeds = [0, 1, 42, 5489, 12345, 2**32 - 1] + [rng.getrandbits(32) for _ in range(6)]
    sfc_seeds = [0, 1, 12345, 2**64 - 1] + [rng.getrandbits(64) for _ in range(6)]

    mt_note = "numpy RandomState(seed)._bit_generator.random_raw"
    sfc_note = "numpy SFC64, state set to [seed, 0x9E3779B97F4A7C15, 0x6A09E667F3BCC908, 1], random_raw"
    cases = []
    for seed in mt_seeds:
        cases.append(case("mt19937", mt19937_raw, seed, 0, 0, 64, mt_note))
    for seed in (12345, mt_seeds[6]):
        cases.append(case("mt19937", mt19937_raw, seed, 3, 2, 64, mt_note))
    cases.append(case("mt19937", mt19937_raw, 12345, 620, 3, 20, mt_note))
    for seed in sfc_seeds:
        cases.append(case("sfc64", sfc64_raw, seed, 0, 0, 64, sfc_note))
    for seed in (12345, sfc_seeds[4]):
        cases.append(case("sfc64", sfc64_raw, seed, 0, 5, 64, sfc_note))
        cases.append(case("sfc64", sfc64_raw, seed, 7, 3, 64, sfc_note))

    source = "numpy %s (Python %d.%d.%d): RandomState MT19937 and SFC64 bit generators, random_raw" % (
        (np.__version__,) + tuple(sys.version_info[:3]))
    text = render(source, "Scripts/golden/numpy_golden.py", cases)
    with open(out_path, "w", encoding="ascii", newline="\n") as f:
        f.write(text)
    sys.stderr.write("numpy_golden.py: checks passed, %d cases -> %s\n" % (len(cases), out_path))


if __name__ == "__main__":
    main()
