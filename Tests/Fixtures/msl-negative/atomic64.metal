// Negative fixture (lint rule `atomic64`; the strict compile rejects it too): a 64-bit device
// atomic, which Apple GPUs lack (the survivor counter is a uint for that reason). The shim
// rejects it as well (it declares no atomic_ulong), so this is no gap of the shim.
// check: lint atomic64
// strict: rejects
// shim: rejects
#include <metal_stdlib>
using namespace metal;

// msl-lint: private-memory-budget 0
kernel void fixture_atomic64(device atomic_ulong *counter [[buffer(2)]],
                             uint gid [[thread_position_in_grid]]) {
    atomic_fetch_add_explicit(counter, ulong(gid), memory_order_relaxed);
}
