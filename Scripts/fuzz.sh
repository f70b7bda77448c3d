#!/usr/bin/env bash
# Builds the libFuzzer targets of Tests/Fuzz (with AddressSanitizer and LeakSanitizer) and runs
# each for SECONDS (default 30) from a copy of its seed corpus, Tests/Fuzz/Corpus/TARGET/.
#
#     Scripts/fuzz.sh [SECONDS] [TARGET…]       # every target when none is named
#     Scripts/fuzz.sh 3600 FuzzJSONReader       # one target for an hour
#
# A crash, a leak, a broken invariant, an input slower than FUZZ_TIMEOUT seconds (default 10) or
# a run above FUZZ_RSS_MB megabytes (default 2048) is a finding: the input is saved under the
# scratch directory (FUZZ_SCRATCH, default a new temporary directory, kept), its path and first
# bytes printed, and the script exits 1 once every target has run. Reproduce a finding with
# `Tests/Fuzz/.build/debug/TARGET FILE`; after fixing it, add the file to the target's corpus.
# Leaks of the toolchain's own libraries are suppressed in Tests/Fuzz/lsan-suppressions.txt.
# FUZZ_ARGS adds libFuzzer options (e.g. `-jobs=4 -workers=4`). Needs only the Swift toolchain:
# libFuzzer and the sanitizers' runtimes ship with its clang.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-30}"
[ $# -gt 0 ] && shift
if ! [[ "$seconds" =~ ^[0-9]+$ ]]; then
    echo "usage: Scripts/fuzz.sh [SECONDS] [TARGET…]" >&2
    exit 2
fi
package=Tests/Fuzz
if [ $# -gt 0 ]; then
    targets=("$@")
else
    # Every fuzz target: each executable target's folder has a main.swift.
    targets=()
    for main in "$package"/Sources/Fuzz*/main.swift; do targets+=("$(basename "$(dirname "$main")")"); done
fi
scratch="${FUZZ_SCRATCH:-$(mktemp -d -t optimize-fuzz.XXXXXX)}"
mkdir -p "$scratch"
flags=(-c debug -Xswiftc -sanitize=fuzzer,address)

for target in "${targets[@]}"; do
    if [ ! -f "$package/Sources/$target/main.swift" ]; then
        echo "fuzz: no target $target (see $package/Sources)" >&2
        exit 2
    fi
    # One product at a time: a plain `swift build` of the package would also link the main
    # package's plugin tools with the sanitizer flags, which gold cannot link.
    log="$scratch/build-$target.log"
    if ! swift build --package-path "$package" "${flags[@]}" --product "$target" >"$log" 2>&1; then
        grep -v 'Cannot export local symbol' "$log" | tail -30
        echo "fuzz: building $target failed (log: $log)" >&2
        exit 2
    fi
done
bin="$(swift build --package-path "$package" "${flags[@]}" --show-bin-path)"

findings=0
for target in "${targets[@]}"; do
    work="$scratch/$target"
    mkdir -p "$work/corpus" "$work/findings"
    [ -d "$package/Corpus/$target" ] && cp -R "$package/Corpus/$target/." "$work/corpus/"
    echo "fuzz: $target for ${seconds}s"
    set +e
    # shellcheck disable=SC2086
    ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}" LSAN_OPTIONS="suppressions=$PWD/$package/lsan-suppressions.txt" \
        SWIFT_BACKTRACE=enable=no \
        "$bin/$target" "$work/corpus" \
        -max_total_time="$seconds" -timeout="${FUZZ_TIMEOUT:-10}" -report_slow_units="${FUZZ_TIMEOUT:-10}" -rss_limit_mb="${FUZZ_RSS_MB:-2048}" \
        -detect_leaks=1 -print_final_stats=1 -artifact_prefix="$work/findings/" ${FUZZ_ARGS:-} \
        >"$work/fuzz.log" 2>&1
    status=$?
    set -e
    runs="$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+)/\1/p' "$work/fuzz.log" | tail -1)"
    shopt -s nullglob
    artifacts=("$work"/findings/*)
    shopt -u nullglob
    if [ "$status" -ne 0 ] || [ ${#artifacts[@]} -gt 0 ]; then
        findings=$((findings + 1))
        echo "fuzz: $target FOUND A PROBLEM (exit $status; log: $work/fuzz.log)"
        grep -E 'ERROR|fuzz invariant broken|Fatal error|deadly signal|timeout|out-of-memory|leak' "$work/fuzz.log" | head -5 || true
        for artifact in "${artifacts[@]}"; do
            echo "  input: $artifact"
            head -c 256 "$artifact" | od -A d -c | head -8 | sed 's/^/    /'
        done
    else
        echo "fuzz: $target: no finding in ${runs:-?} inputs"
    fi
done

echo "fuzz: ${#targets[@]} targets, ${seconds}s each, $findings with findings (scratch: $scratch)"
[ "$findings" -eq 0 ]
