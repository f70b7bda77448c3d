#!/usr/bin/env bash
# Trials to recover a planted seed (docs/sampler.md §7): builds optimize in release, then runs
# planted_search.py, which plants seeds in daily3-like histories and counts the trials the window
# search's TPE and Optuna's default TPE (ask/tell, the same objective) need to recover them.
# Writes Scripts/tpe-benchmark/PLANTED.md; options go to the script (see --help), e.g.
#
#     Scripts/tpe-benchmark/planted.sh                                  # 20 histories x 100 trials, 2^24 seeds: many hours
#     Scripts/tpe-benchmark/planted.sh --histories 4 --trials 20 --seeds-log2 20 --json .build/planted.json
#
# Optuna 5.0.0 is installed into .build/tpe-benchmark-venv on first use (needs PyPI).
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product optimize
bin="$(swift build -c release --product optimize --show-bin-path)/optimize"
exec python3 Scripts/tpe-benchmark/planted_search.py --optimize "$bin" \
    --command "Scripts/tpe-benchmark/planted.sh $*" "$@"
