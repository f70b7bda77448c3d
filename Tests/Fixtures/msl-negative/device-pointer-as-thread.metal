// Negative fixture (strict compile): a `device` pointer passed where a `thread` one is declared.
// Apple's compiler rejects the call; the CPU shim erases both qualifiers and accepts it.
// check: strict
// strict: rejects
// shim: accepts
#include <metal_stdlib>
using namespace metal;

inline void bump(thread uint *value) { *value += 1u; }

// msl-lint: private-memory-budget 0
kernel void fixture_device_as_thread(device uint *values [[buffer(1)]],
                                     uint gid [[thread_position_in_grid]]) {
    bump(values + gid);
}
