// Negative fixture (strict compile): a function pointer, which MSL forbids (no indirect calls).
// The shim accepts it.
// check: strict
// strict: rejects
// shim: accepts
#include <metal_stdlib>
using namespace metal;

inline uint twice(uint x) { return 2u * x; }

// msl-lint: private-memory-budget 0
kernel void fixture_function_pointer(device uint *values [[buffer(1)]],
                                     uint gid [[thread_position_in_grid]]) {
    uint (*step)(uint) = twice;
    values[gid] = step(values[gid]);
}
