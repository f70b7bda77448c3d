#!/usr/bin/env bash
# Submits a sieve over SHARDS shards as a Slurm job array (sieve-array.sbatch) and its merge
# (merge.sbatch), which waits for every task of the array to succeed (afterok) and is cancelled if
# one fails (--kill-on-invalid-dep). Run it from the directory the jobs should work in; settings
# are the environment variables the two scripts describe (OPTIMIZE, SWEEP, DRAWS, SEEDS), and:
#   SHARDS  the number of shards, one array task each (default 4)
# Prints the two job IDs, the array's first.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

SHARDS="${SHARDS:-4}"
export SHARDS

# --parsable prints "jobid" or "jobid;cluster".
array="$(sbatch --parsable --array="0-$((SHARDS - 1))" "$here/sieve-array.sbatch")"
array="${array%%;*}"
merge="$(sbatch --parsable --dependency="afterok:$array" --kill-on-invalid-dep=yes "$here/merge.sbatch")"
merge="${merge%%;*}"
echo "$array $merge"
