#!/usr/bin/env bash
# Two workers against one: the time a shared search takes with two `optimize worker` processes,
# one core each (taskset, --threads 1), over the time one single-threaded worker takes for the
# same search, on a throw-away PostgreSQL cluster (Scripts/postgres/throwaway-cluster.sh).
#
#   Scripts/several-machines/throughput.sh [OPTIMIZE] [TRIALS] [SEEDS]
#
# OPTIMIZE defaults to .build/release/optimize (build it with `swift build -c release`); TRIALS
# to 40; SEEDS, each trial's seed range, to 3000000..<4048576 (2^20). The search is the README's
# example history (java_lcg). Prints both times and their ratio, and the seconds spent sieving in
# each run; the README's figures come from this script.
set -euo pipefail
cd "$(dirname "$0")/../.."
optimize="$(realpath "${1:-.build/release/optimize}")"
trials="${2:-40}"
seeds="${3:-3000000..<4048576}"
[ -x "$optimize" ] || { echo "throughput: no optimize at $optimize (swift build -c release)" >&2; exit 1; }
command -v taskset >/dev/null || { echo "throughput: taskset (util-linux) is needed to give each worker one core" >&2; exit 1; }

cluster="$(mktemp -d /tmp/optimize-throughput.XXXXXX)"
work="$(mktemp -d /tmp/optimize-throughput-work.XXXXXX)"
finish() {
    Scripts/postgres/throwaway-cluster.sh stop "$cluster" >/dev/null 2>&1 || true
    rm -rf "$cluster" "$work"
}
trap finish EXIT
# The cluster's directory itself (made by mktemp, given to the server's user by the script).
Scripts/postgres/throwaway-cluster.sh start "$cluster" >/dev/null
one="$(Scripts/postgres/throwaway-cluster.sh createdb "$cluster" one)"
two="$(Scripts/postgres/throwaway-cluster.sh createdb "$cluster" two)"
search=(--draws "$PWD/Examples/planted-java_lcg.json" --prng java_lcg --seeds "$seeds"
        --trials "$trials" --seed 1 --threads 1 --no-metrics)

now() { date +%s.%N; }

# One single-threaded worker, on one core.
start="$(now)"
taskset -c 0 "$optimize" search "${search[@]}" --storage "$one" --name t --out "$work/one" >/dev/null 2>"$work/one.err"
single="$(awk -v a="$(now)" -v b="$start" 'BEGIN { print a - b }')"

# Two: the first creates the search, the second joins it at once; the search is complete when both exit.
start="$(now)"
taskset -c 0 "$optimize" search "${search[@]}" --storage "$two" --name t --out "$work/a" >/dev/null 2>"$work/a.err" &
first=$!
until grep -q "created search" "$work/a.err" 2>/dev/null; do sleep 0.05; done
taskset -c 1 "$optimize" worker --storage "$two" --name t --threads 1 --out "$work/b" >/dev/null 2>"$work/b.err" &
second=$!
wait "$first" "$second"
pair="$(awk -v a="$(now)" -v b="$start" 'BEGIN { print a - b }')"

ratio="$(awk -v a="$pair" -v b="$single" 'BEGIN { printf "%.3f", a / b }')"
printf 'one worker, one core: %.1f s; two workers, one core each: %.1f s; ratio %s (%s trials of seeds %s, java_lcg)\n' \
    "$single" "$pair" "$ratio" "$trials" "$seeds"

# Seconds of sieving, from the workers' "trial N complete in S s" lines: all trials, and the 10
# startup trials, whose parameters depend on their numbers alone and so are the same in both runs.
# Equal startup sums with unequal totals mean the pair drew other trials, not slower ones.
sieving() {
    awk '$1 == "trial" && $3 == "complete" && $4 == "in" { all += $5; if ($2 < 10) startup += $5 }
         END { printf "%.1f s (startup trials 0-9: %.1f s)", all, startup }' "$@"
}
printf 'sieving: one worker %s; two workers %s\n' "$(sieving "$work/one.err")" "$(sieving "$work/a.err" "$work/b.err")"
