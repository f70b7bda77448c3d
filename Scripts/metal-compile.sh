#!/usr/bin/env bash
# Compiles the shader source the Metal backend embeds (Shaders/*.metal with their quoted
# #includes) with Apple's offline Metal compiler, warnings as errors, and links it into a
# metallib: the check `.github/workflows/macos.yml` runs on GitHub's macOS runners, where the GPU
# compiles but cannot be trusted to compute. The EmbedShaders plugin splices each quoted #include
# into the text once (include guards keep their meaning), so compiling the files with -I Shaders
# compiles the same translation unit the backend hands `makeLibrary(source:)` at run time.
#
# Usage: Scripts/metal-compile.sh [OUTPUT_DIR]   (default: .build/metal-compile). macOS with Xcode only.
set -euo pipefail
# Globs sort bytewise, as ShaderSource sorts the file names.
export LC_ALL=C
cd "$(dirname "$0")/.."
out="${1:-.build/metal-compile}"
mkdir -p "$out"

# Xcode 26 ships the Metal toolchain as a separate component; earlier Xcodes include it.
if ! xcrun -sdk macosx metal --version >/dev/null 2>&1; then
    echo "the Metal toolchain is missing: downloading it (xcodebuild -downloadComponent MetalToolchain)"
    xcodebuild -downloadComponent MetalToolchain
fi
xcrun -sdk macosx metal --version

# One compilation unit of every .metal file in name order, as ShaderSource.librarySource joins
# the spliced files for makeLibrary(source:).
unit="$out/library.metal"
: > "$unit"
count=0
for source in Shaders/*.metal; do
    [ -e "$source" ] || continue
    echo "#include \"$(basename "$source")\"" >> "$unit"
    count=$((count + 1))
done
[ "$count" -gt 0 ] || { echo "no shader files in Shaders/"; exit 1; }
xcrun -sdk macosx metal -Werror -I Shaders -c "$unit" -o "$out/library.air"
xcrun -sdk macosx metallib "$out/library.air" -o "$out/library.metallib"
echo "compiled $count shader files ($(tr '\n' ' ' < "$unit")) into $out/library.metallib"
