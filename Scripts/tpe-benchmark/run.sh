#!/usr/bin/env bash
# Runs the Swift TPE and Optuna's TPE on the benchmark functions of docs/sampler.md §4 (Branin, Hartmann6,
# Rosenbrock-4 and the five shaped like the window search), seeds 0-19 x 100 trials each, measures sampling time at 1,000 trials, and rewrites RESULTS.md
# beside this script. Needs the Swift toolchain, python3 and PyPI (Optuna is installed into
# .build/tpe-benchmark-venv on first use; it is never a dependency of the package).
#
#     Scripts/tpe-benchmark/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
out=.build/tpe-benchmark
mkdir -p "$out"

swift build -c release --product _TPEBenchmark
runner=.build/release/_TPEBenchmark
"$runner" --json "$out/swift.json"
"$runner" --optuna --json "$out/swift-optuna-configuration.json"
"$runner" --speed 1000 | tee "$out/speed.txt"
python3 Scripts/tpe-benchmark/optuna_benchmark.py --json "$out/optuna.json"
python3 Scripts/tpe-benchmark/report.py "$out" > Scripts/tpe-benchmark/RESULTS.md
cat Scripts/tpe-benchmark/RESULTS.md
