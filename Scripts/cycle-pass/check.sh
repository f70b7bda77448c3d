#!/usr/bin/env bash
# Checks the cycle pass against seed-by-seed sieving (README, "The cycle pass"): plants an
# xorshift32 seed below 2^24 in a 200-draw history (M = 100, skip 37, a fifth noise), sieves all
# 2^32 seeds (the pass runs) and 0..<2^24 (it does not pay, so seeds are sieved one by one), and
# compares the survivors below 2^24 byte for byte. Prints both counts; exits 1 on a difference or a
# missing planted seed. About 2-4 minutes on 2 cores in release.
#
# Usage: Scripts/cycle-pass/check.sh [OPTIMIZE]   (default .build/release/optimize)
set -euo pipefail
optimize="${1:-.build/release/optimize}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$optimize" generate --prng xorshift32 --seed 9876543 --count 200 --skip 37 --modulus 100 --noise 0.2 --noise-seed 5 \
    --format text --out "$work/h.txt" 2>/dev/null
sieve() {
    "$optimize" sieve --draws "$work/h.txt" --prng xorshift32 --modulus 100 --window 29 --offset 89 --skip 9...105 \
        --threshold 0.24 --reverse-threshold 0.2 --seeds "$1" --out "$2" --no-metrics > /dev/null
}
sieve '0..<2^32' "$work/full"
sieve '0..<2^24' "$work/part"
python3 - "$work/full/survivors.bin" "$work/part/survivors.bin" <<'PY'
import struct, sys
def records(path):
    data = open(path, 'rb').read()
    return [data[i:i + 40] for i in range(0, len(data), 40)]
full, part = records(sys.argv[1]), records(sys.argv[2])
below = [r for r in full if struct.unpack('<Q', r[:8])[0] < 2**24]
planted = any(struct.unpack('<Q', r[:8])[0] == 9876543 for r in full)
print(f"all 2^32 seeds: {len(full)} survivors; below 2^24: {len(below)}; 0..<2^24 sieved seed by seed: {len(part)}; "
      f"identical: {below == part}; planted seed found: {planted}")
sys.exit(0 if below == part and planted else 1)
PY
