#!/usr/bin/env bash
# Times one window-search trial (the trial workloads of docs/performance.md) with a baseline build
# and with this checkout, in the same session, then prints this checkout's phase shares.
#
#     Scripts/bench-trials.sh [BASELINE_COMMIT] [options]
#     Scripts/bench-trials.sh                                  # e42d2af, java_lcg mt19937 xorshift32, 2^24 seeds
#     Scripts/bench-trials.sh e42d2af --families java_lcg --bits 28 --rounds 3
#     BASELINE_BIN=/work/baseline/.build-baseline/release/optimize Scripts/bench-trials.sh
#
# BASELINE_COMMIT (default e42d2af) is built in a git worktree (BASELINE_WORKTREE, default
# $TMPDIR/optimize-baseline-COMMIT, made once and reused) with
# `swift build -c release --product optimize --scratch-path .build-baseline`; BASELINE_BIN names a
# binary already built that way instead. This checkout is built in release (NEW_BIN: a binary
# already built). The history is the trial workloads' daily3-like history, written by this
# checkout's `optimize bench --write-trial-history`; the shape is Benchmarks/trial-shape.json.
#
# For each family, each round runs
#     optimize search --draws H --prng F --seeds '0..<2^N' --trials 1 --seed 1 --out TMP \
#                     --config Benchmarks/trial-shape.json --backend cpu
# with both binaries, alternating which goes first, and prints the seconds and the ratio
# new/baseline (of the fastest round of each), and whether the two trials' survivor files are
# identical. Then this checkout's `optimize bench --only T-… --seeds 2^N` gives the phase shares.
#
# Options: --families F,F,…  (default java_lcg,mt19937,xorshift32; any family of `optimize prngs`)
#          --bits N          (seeds 0..<2^N, default 24; 32 is a full trial: hours for some families)
#          --rounds R        (default 1)
#          --threads T       (passed to bench; the searches use every core)
# Build one thing at a time: the script builds only what it was not given.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$(pwd)"

baseline_commit=e42d2af
if [ $# -gt 0 ] && [[ "$1" != --* ]]; then
    baseline_commit="$1"
    shift
fi
families=java_lcg,mt19937,xorshift32
bits=24
rounds=1
threads=()
while [ $# -gt 0 ]; do
    case "$1" in
    --families) families="$2"; shift 2 ;;
    --bits) bits="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --threads) threads=(--threads "$2"); shift 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "bench-trials.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
if ! [[ "$bits" =~ ^[0-9]+$ ]] || [ "$bits" -lt 1 ] || [ "$bits" -gt 32 ]; then
    echo "bench-trials.sh: --bits takes 1 ... 32" >&2
    exit 2
fi
if ! [[ "$rounds" =~ ^[0-9]+$ ]] || [ "$rounds" -lt 1 ]; then
    echo "bench-trials.sh: --rounds takes a positive integer" >&2
    exit 2
fi

# The trial workload of each family (`optimize bench --only`).
trial_id() {
    case "$1" in
    java_lcg) echo T-java ;; mt19937) echo T-mt ;; xorshift32) echo T-xs32 ;; xorshift64) echo T-xs64 ;;
    xorshift128) echo T-xs128 ;; pcg32) echo T-pcg32 ;; lcg32) echo T-lcg32 ;; minstd) echo T-minstd ;;
    xoshiro256pp) echo T-xoshiro ;; philox4x32) echo T-philox ;; sfc64) echo T-sfc64 ;;
    *) echo "bench-trials.sh: unknown family $1 (give canonical names, as \`optimize prngs\` lists them)" >&2; return 1 ;;
    esac
}
IFS=, read -r -a family_list <<<"$families"
ids=()
for family in "${family_list[@]}"; do ids+=("$(trial_id "$family")"); done

now() {
    if [ -n "${EPOCHREALTIME:-}" ]; then echo "${EPOCHREALTIME/,/.}"; else python3 -c 'import time; print(time.time())'; fi
}

# The baseline binary.
if [ -n "${BASELINE_BIN:-}" ]; then
    baseline="$BASELINE_BIN"
else
    worktree="${BASELINE_WORKTREE:-${TMPDIR:-/tmp}/optimize-baseline-$baseline_commit}"
    if [ ! -d "$worktree" ]; then
        echo "== baseline: git worktree of $baseline_commit in $worktree" >&2
        git worktree add --detach "$worktree" "$baseline_commit" >&2
    fi
    echo "== baseline: building $baseline_commit in release" >&2
    (cd "$worktree" && swift build -c release --product optimize --scratch-path .build-baseline >&2)
    baseline="$worktree/.build-baseline/release/optimize"
fi
# This checkout.
if [ -n "${NEW_BIN:-}" ]; then
    new="$NEW_BIN"
else
    echo "== this checkout: building in release" >&2
    swift build -c release --product optimize >&2
    new="$(swift build -c release --product optimize --show-bin-path)/optimize"
fi
for binary in "$baseline" "$new"; do
    [ -x "$binary" ] || { echo "bench-trials.sh: $binary is not an executable" >&2; exit 1; }
done

scratch="$(mktemp -d "${TMPDIR:-/tmp}/bench-trials.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
history="$scratch/history.json"
shape="$repo/Benchmarks/trial-shape.json"
"$new" bench --write-trial-history "$history"

echo "baseline: $baseline_commit ($baseline)"
echo "new:      $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- Sources Shaders Package.swift || echo ' + uncommitted changes') ($new)"
echo "trial:    $(tr -d ' \n' <"$shape"), M = 1000, seeds 0..<2^$bits, 18,000-draw daily3-like history, --backend cpu"
echo "machine:  $(nproc 2>/dev/null || sysctl -n hw.ncpu) cores, load average $(uptime | sed 's/.*load average[s]*: //')"
echo

# Runs one trial with `binary`; prints its wall seconds. The run directory is kept as $scratch/$2.
search() {
    local binary="$1" name="$2" family="$3"
    local out="$scratch/$name"
    rm -rf "$out"
    local start end
    start="$(now)"
    if ! "$binary" search --draws "$history" --prng "$family" --seeds "0..<2^$bits" --trials 1 --seed 1 --out "$out" \
        --config "$shape" --backend cpu >"$scratch/$name.stdout" 2>"$scratch/$name.stderr"; then
        echo "bench-trials.sh: $binary search failed for $family:" >&2
        cat "$scratch/$name.stderr" >&2
        exit 1
    fi
    end="$(now)"
    awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }'
}

rows=("family round baseline_s new_s new/baseline survivors")
summary=("family best_baseline_s best_new_s new/baseline projected_2^32_new")
for family in "${family_list[@]}"; do
    best_base=""
    best_new=""
    for round in $(seq 1 "$rounds"); do
        if [ $((round % 2)) -eq 1 ]; then
            b="$(search "$baseline" base "$family")"
            n="$(search "$new" new "$family")"
        else
            n="$(search "$new" new "$family")"
            b="$(search "$baseline" base "$family")"
        fi
        same=differ
        if cmp -s "$scratch/base/trials/00000/survivors.bin" "$scratch/new/trials/00000/survivors.bin"; then same=identical; fi
        rows+=("$family $round $b $n $(awk -v b="$b" -v n="$n" 'BEGIN { printf "%.3f", n / b }') $same")
        best_base="$(awk -v x="$b" -v y="${best_base:-$b}" 'BEGIN { print (x < y ? x : y) }')"
        best_new="$(awk -v x="$n" -v y="${best_new:-$n}" 'BEGIN { print (x < y ? x : y) }')"
    done
    projected="$(awk -v s="$best_new" -v bits="$bits" 'BEGIN { t = s * 2 ^ (32 - bits); printf "%d:%02d:%02d", t / 3600, (t / 60) % 60, t % 60 }')"
    summary+=("$family $best_base $best_new $(awk -v b="$best_base" -v n="$best_new" 'BEGIN { printf "%.3f", n / b }') $projected")
done

echo "optimize search, one trial, wall seconds per round (alternating which binary runs first):"
printf '%s\n' "${rows[@]}" | column -t
echo
echo "fastest round of each (projected_2^32_new scales the whole trial by 2^(32-$bits), calibration included:"
echo "bench's projection below counts the calibration once):"
printf '%s\n' "${summary[@]}" | column -t
echo
echo "this checkout's phases (optimize bench --only $(IFS=,; echo "${ids[*]}") --seeds 2^$bits):"
"$new" bench --backend cpu --only "$(IFS=,; echo "${ids[*]}")" --seeds "$((1 << bits))" ${threads[@]+"${threads[@]}"} 2>/dev/null
