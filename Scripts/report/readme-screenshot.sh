#!/usr/bin/env bash
# Makes docs/images/report-example.png, the README's picture of a report: runs the README's first
# command's search in a scratch directory, promotes its champion, writes its report and takes a
# screenshot of it in headless Chromium (browser_check.py), keeping the top 660 pixels.
#
#   Scripts/report/readme-screenshot.sh [OPTIMIZE_BINARY]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
optimize="${1:-$root/.build/release/optimize}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
cp -r "$root/Examples" .
"$optimize" search --draws Examples/planted-java_lcg.json --prng java_lcg \
    --seeds '3000000..<4048576' --trials 50 --seed 1 --out example-run > /dev/null
"$optimize" champion promote example-run --name night > /dev/null
"$optimize" report example-run
python3 "$root/Scripts/report/browser_check.py" example-run/report.html full.png > seen.json
python3 -c "import json,sys; seen=json.load(open('seen.json')); sys.exit('errors: %s' % seen['errors'] if seen['errors'] else 0)"
mkdir -p "$root/docs/images"
python3 "$root/Scripts/report/png_tool.py" crop full.png 0 0 900 660 "$root/docs/images/report-example.png"
echo "wrote $root/docs/images/report-example.png"
