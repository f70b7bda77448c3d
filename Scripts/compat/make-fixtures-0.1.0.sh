#!/usr/bin/env bash
# Writes Tests/Fixtures/0.1.0/: a sweep, a study and a search run made by optimize 0.1.0 (commit
# e42d2af, the last commit before the support layer changed the sweep journal's line format).
# Tests/OptimizeCLITests/CompatibilityTests.swift reads them with today's tool: what it can read
# as it is, and what `optimize migrate` must convert first.
#
#     Scripts/compat/make-fixtures-0.1.0.sh            # builds e42d2af in a temporary worktree
#     OPTIMIZE_0_1_0=path/to/optimize Scripts/compat/make-fixtures-0.1.0.sh   # or uses that build of it
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'git -C "$root" worktree remove --force "$work/src" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
if [ -n "${OPTIMIZE_0_1_0:-}" ]; then
    bin="$OPTIMIZE_0_1_0"
else
    git -C "$root" worktree add --detach "$work/src" e42d2af >/dev/null
    swift build --package-path "$work/src" --product optimize --scratch-path "$work/build" >&2
    bin="$work/build/debug/optimize"
fi
"$bin" --version | grep -qx 0.1.0

out="$root/Tests/Fixtures/0.1.0"
rm -rf "$out"
mkdir -p "$out"
cd "$out"
cp "$root/Examples/planted-java_lcg.json" history.json

# A complete sweep over 3 chunks, holding the planted seed 3141592.
"$bin" sieve --draws history.json --prng java_lcg --window 30 --offset 100 --reverse-window 30 --skip 0...8 \
    --threshold 0.4 --reverse-threshold 0.4 --seeds '3000000..<3300000' --chunk-size 100000 --out sweep >/dev/null

# A study with two told trials and one still running.
cat > space.json <<'SPACE'
{"params": [{"name": "x", "type": "float", "low": -5, "high": 5}, {"name": "n", "type": "int", "low": 1, "high": 9}]}
SPACE
"$bin" study new study --space space.json --direction minimize --seed 7 >/dev/null
for value in 3.5 1.25; do
    trial=$("$bin" ask study | sed -nE 's/.*"trial": ?([0-9]+).*/\1/p')
    "$bin" tell study "$trial" "$value" >/dev/null
done
"$bin" ask study >/dev/null

# A complete search of three trials.
"$bin" search --draws history.json --prng java_lcg --seeds '3100000..<3200000' --trials 3 --seed 1 --out search \
    >/dev/null 2>&1
rm -f search/run.lock
echo "wrote $out" >&2
