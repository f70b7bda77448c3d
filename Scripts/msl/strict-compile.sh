#!/usr/bin/env bash
# strict-compile.sh [UNIT.metal ...] — compiles shaders with MSL's address spaces kept.
#
# The CPU build compiles Shaders/*.metal as C++ through a shim that erases `device`, `constant` and
# `thread`; this compiles them again as C++ for OpenCL through the strict prelude
# (Scripts/msl/strict/metal_stdlib), where clang checks every address space, with warnings as
# errors. With no argument: every Shaders/*.metal. Exits 0 when every unit compiles, 1 when one
# does not (clang's diagnostics on stderr), 2 when clang is missing. CLANG overrides the compiler
# (default: clang on PATH, which ships with the Swift toolchain). docs/msl-rules.md lists what
# this proves and what it cannot.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
clang="${CLANG:-clang}"
if ! command -v "$clang" >/dev/null 2>&1; then
    echo "strict-compile.sh: clang not found on PATH (it ships with the Swift toolchain: /opt/swift/usr/bin or similar)" >&2
    exit 2
fi
flags=()
while IFS= read -r line; do
    case "$line" in ''|'#'*) ;; *) flags+=("$line") ;; esac
done <"$here/strict/clang-flags"
if [ "$#" -eq 0 ]; then
    set -- "$root"/Shaders/*.metal
fi
status=0
for unit in "$@"; do
    if ! "$clang" "${flags[@]}" -I "$here/strict" -fsyntax-only -Wall -Wextra -Werror "$unit"; then
        echo "strict-compile.sh: $unit: rejected" >&2
        status=1
    fi
done
exit "$status"
