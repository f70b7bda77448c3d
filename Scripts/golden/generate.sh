#!/usr/bin/env bash
# Regenerate every golden file in Tests/SieveTests/Golden/ from scratch:
#   jdk_java_random.json   <- Scripts/golden/JavaRandomGolden.java   (OpenJDK java.util.Random)
#   cpp_random.json        <- Scripts/golden/cpp_random_golden.cpp  (g++ <random>)
#   numpy.json             <- Scripts/golden/numpy_golden.py        (numpy bit generators)
#   python_reference.json  <- Scripts/golden/families_reference.py  (own Python reference)
# then validates all of them with Scripts/golden/check_golden.py (layout, schema, and
# agreement of every external value with the Python reference).
#
# Needs: javac/java (JDK 17), g++ (C++17), python3 with numpy. Deterministic: running it
# twice gives byte-identical files. Java and C++ are compiled into a temporary directory;
# the outputs are written there first and moved into place only if every step succeeded.
#
# Usage: Scripts/golden/generate.sh        (from anywhere)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
golden="$root/Tests/SieveTests/Golden"
export PYTHONDONTWRITEBYTECODE=1

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/java" "$tmp/out"

echo "== Java: java.util.Random"
javac -d "$tmp/java" "$here/JavaRandomGolden.java"
java -cp "$tmp/java" JavaRandomGolden > "$tmp/out/jdk_java_random.json"

echo "== C++: std::mt19937, std::minstd_rand"
g++ -std=c++17 -O2 -Wall -Wextra -o "$tmp/cpp_random_golden" "$here/cpp_random_golden.cpp"
"$tmp/cpp_random_golden" > "$tmp/out/cpp_random.json"

echo "== numpy: RandomState MT19937, SFC64"
python3 "$here/numpy_golden.py" "$tmp/out/numpy.json"

echo "== Python reference: all 11 families"
python3 "$here/families_reference.py" "$tmp/out/python_reference.json"

echo "== validating"
python3 "$here/check_golden.py" "$tmp/out"

mkdir -p "$golden"
for f in jdk_java_random.json cpp_random.json numpy.json python_reference.json; do
    mv "$tmp/out/$f" "$golden/$f"
done
(cd "$golden" && sha256sum jdk_java_random.json cpp_random.json numpy.json python_reference.json)
