// Negative fixture (lint rule `allocation`; the strict compile rejects it too): dynamic
// allocation in a kernel. The shim accepts it.
// check: lint allocation
// strict: rejects
// shim: accepts
#include <metal_stdlib>
using namespace metal;

// msl-lint: private-memory-budget 0
kernel void fixture_allocation(device uint *values [[buffer(1)]],
                               uint gid [[thread_position_in_grid]]) {
    thread uint *scratch = new uint[4];
    scratch[0] = values[gid];
    values[gid] = scratch[0];
    delete[] scratch;
}
