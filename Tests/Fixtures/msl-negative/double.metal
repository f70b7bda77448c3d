// Negative fixture (lint rule `double`; the strict compile rejects it too): Apple GPUs have no
// double precision. The shim accepts it.
// check: lint double
// strict: rejects
// shim: accepts
#include <metal_stdlib>
using namespace metal;

// msl-lint: private-memory-budget 0
kernel void fixture_double(device uint *values [[buffer(1)]],
                           uint gid [[thread_position_in_grid]]) {
    double scaled = double(values[gid]) * 0.5;
    values[gid] = uint(scaled);
}
