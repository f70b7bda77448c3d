#!/usr/bin/env bash
# Runs the committed Slurm example on a real, throw-away, single-node Slurm: starts munged (when
# it is not running), a slurmctld and a slurmd on a slurm.conf of its own in a temporary
# directory, submits Examples/slurm/submit.sh (the array over 4 shards of a sieve, and its merge
# after them), waits for both jobs, and compares the merged survivors.bin and summary.json byte
# for byte with an unsharded `optimize sieve` of the same range. Then it reruns one array task and
# checks that the task resumed its own finished directory without changing it.
#
# Usage: Scripts/slurm/slurm-test.sh OPTIMIZE_BINARY
# Needs root (slurmd runs jobs as the submitting user; SlurmUser=root) and Debian's slurm-wlm and
# munge (.ci/run installs them). Stops the daemons it started, and only those, on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$(pwd)"

binary="${1:?usage: $0 OPTIMIZE_BINARY}"
binary="$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")"
[ -x "$binary" ] || { echo "slurm-test: $binary is not an executable" >&2; exit 1; }
for command in munged munge slurmctld slurmd sbatch squeue sinfo; do
    command -v "$command" >/dev/null 2>&1 || { echo "slurm-test: $command is missing (apt-get install slurm-wlm munge)" >&2; exit 1; }
done
[ "$(id -u)" -eq 0 ] || { echo "slurm-test: run as root (SlurmUser=root)" >&2; exit 1; }

shards=4
# 2^22 seeds: a few seconds per shard in a release build.
seeds="${SLURM_TEST_SEEDS:-0..<2^22}"
work="$(mktemp -d /tmp/optimize-slurm.XXXXXX)"
conf="$work/slurm.conf"
started_munged=""

stop() {
    local status=$?
    for daemon in slurmd slurmctld; do
        if [ -f "$work/$daemon.pid" ]; then
            kill "$(cat "$work/$daemon.pid")" 2>/dev/null || true
        fi
    done
    if [ -n "$started_munged" ] && [ -f /run/munge/munged.pid ]; then
        kill "$(cat /run/munge/munged.pid)" 2>/dev/null || true
    fi
    if [ "$status" -ne 0 ]; then
        echo "slurm-test: failed; the daemons' logs and the jobs' output:" >&2
        tail -n 30 "$work"/log/*.log "$work"/run/*.log >&2 2>/dev/null || true
    fi
    sleep 1
    rm -rf "$work"
    exit "$status"
}
trap stop EXIT

# munge: Slurm's authentication. Debian's package creates the key; the daemon runs as munge.
if ! munge -n >/dev/null 2>&1; then
    [ -f /etc/munge/munge.key ] || mungekey --create --keyfile=/etc/munge/munge.key
    chown munge:munge /etc/munge/munge.key
    mkdir -p /run/munge /var/log/munge /var/lib/munge
    chown munge:munge /run/munge /var/log/munge /var/lib/munge
    runuser -u munge -- munged
    started_munged=yes
    for _ in $(seq 50); do munge -n >/dev/null 2>&1 && break; sleep 0.1; done
    munge -n >/dev/null
fi

# A single-node cluster on ports of its own (not Slurm's defaults, which a real one may hold).
# Its addresses are 127.0.0.1, so that a machine whose name does not resolve still works.
host="$(hostname -s)"
mkdir -p "$work/state" "$work/spool" "$work/log" "$work/run"
cat >"$conf" <<EOF
ClusterName=optimize-ci
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
SlurmctldPort=${SLURM_TEST_PORT:-16817}
SlurmdPort=$(( ${SLURM_TEST_PORT:-16817} + 1 ))
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
NodeName=$host NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$conf"
slurmctld -f "$conf" -i
slurmd -f "$conf"
for _ in $(seq 100); do
    [ "$(sinfo -h -o %T 2>/dev/null)" = idle ] && break
    sleep 0.2
done
[ "$(sinfo -h -o %T)" = idle ] || { echo "slurm-test: the node did not come up: $(sinfo 2>&1)" >&2; exit 1; }
echo "slurm-test: Slurm $(slurmctld -V | awk '{print $2}') up on $host"

# The example, as a user submits it: from the directory the jobs work in.
cp Examples/planted-java_lcg.json "$work/run/draws.json"
cd "$work/run"
export OPTIMIZE="$binary" SWEEP="$work/run/sweep" DRAWS="$work/run/draws.json" SEEDS="$seeds" SHARDS="$shards"
read -r array merge < <("$root/Examples/slurm/submit.sh")
echo "slurm-test: array job $array ($shards shards of $seeds), merge job $merge"

# Both jobs leave the queue when done (no accounting here: squeue and the files are the record).
wait_for() {
    local job=$1
    for _ in $(seq 600); do
        [ -z "$(squeue -h -j "$job" 2>/dev/null)" ] && return 0
        sleep 0.2
    done
    echo "slurm-test: job $job still queued after 120 s: $(squeue)" >&2
    return 1
}
wait_for "$array"
wait_for "$merge"
[ -f sweep/merged/summary.json ] || { echo "slurm-test: the merge job wrote no summary" >&2; exit 1; }
for ((i = 0; i < shards; i++)); do
    grep -q "shard $i/$shards from SLURM_ARRAY_TASK_ID=$i" "sieve-shard-${array}_$i.log" \
        || { echo "slurm-test: task $i did not sweep shard $i/$shards" >&2; exit 1; }
done

# The unsharded sweep, with the example's window (sieve-array.sbatch).
"$binary" sieve --out whole --draws draws.json --seeds "$seeds" \
    --prng java_lcg --window 30 --offset 100 --reverse-window 30 --skip 0...8 \
    --threshold 0.4 --reverse-threshold 0.4 >/dev/null
for name in survivors.bin summary.json; do
    cmp "whole/$name" "sweep/merged/$name" || { echo "slurm-test: merged $name differs from the unsharded sweep's" >&2; exit 1; }
done
echo "slurm-test: merged survivors.bin and summary.json equal the unsharded sweep's ($(wc -c <whole/survivors.bin) bytes of survivors)"

# A requeued task (`scontrol requeue`, as after a node failure) keeps its array's variables: task 2
# sweeps shard 2/4 again, finds its own finished directory, and changes nothing (sweep.lock,
# which holds the process ID of its last writer, aside).
before="$(sha256sum sweep/shard-2/{sweep.json,chunks.journal,survivors.bin,summary.json})"
scontrol requeue "${array}_2"
# Slurm holds a requeued job for a while (its BeginTime) before it is eligible again.
scontrol update jobid="${array}_2" StartTime=now
wait_for "${array}_2"
grep -q "shard 2/$shards from SLURM_ARRAY_TASK_ID=2" "sieve-shard-${array}_2.log" \
    || { echo "slurm-test: the requeued task did not run shard 2/$shards again: $(cat "sieve-shard-${array}_2.log")" >&2; exit 1; }
after="$(sha256sum sweep/shard-2/{sweep.json,chunks.journal,survivors.bin,summary.json})"
[ "$before" = "$after" ] || { echo "slurm-test: the requeued task changed shard-2" >&2; exit 1; }
echo "slurm-test: passed"
