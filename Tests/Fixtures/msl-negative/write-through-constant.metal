// Negative fixture (strict compile): a write through a `constant` pointer. Constant memory is
// read-only on the GPU and MSL has no conversion from `constant` to a writable address space; the
// CPU shim makes `constant` a `const`, which the cast drops, and accepts it.
// check: strict
// strict: rejects
// shim: accepts
#include <metal_stdlib>
using namespace metal;

inline void clear(device uint *target) { *target = 0u; }

// msl-lint: private-memory-budget 0
kernel void fixture_write_constant(constant uint *limits [[buffer(0)]],
                                   uint gid [[thread_position_in_grid]]) {
    clear((device uint *)(limits + gid));
}
