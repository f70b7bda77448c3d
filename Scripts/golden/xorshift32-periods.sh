#!/usr/bin/env bash
# Regenerates Tests/SieveTests/Golden/xorshift32_periods.json: the length of xorshift32's cycle
# through state 1, by brute-force stepping (Scripts/golden/xorshift32_periods.c), for the
# family's default shifts, some of Marsaglia's full-period triples, and triples that are not.
# XorshiftCycleTests holds XorshiftCycle's order test to it. About a minute of CPU.
#
# Usage: Scripts/golden/xorshift32-periods.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cc -O2 -o "$tmp/periods" "$here/xorshift32_periods.c"
"$tmp/periods" 13,17,5 5,17,13 1,3,10 2,7,7 7,1,9 1,1,1 13,17,6 3,3,3 5,5,5 1,2,3 12,17,5 13,16,5 \
    > "$tmp/xorshift32_periods.json"
mv "$tmp/xorshift32_periods.json" "$root/Tests/SieveTests/Golden/xorshift32_periods.json"
