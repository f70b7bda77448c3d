// Negative fixture (strict compile): an array sized at run time. MSL (like OpenCL) has no
// variable-length arrays; the shim's C++ compile rejects it too (-Wvla-cxx-extension), so
// this guards the rule rather than a gap.
// check: strict
// strict: rejects
// shim: rejects
#include <metal_stdlib>
using namespace metal;

// msl-lint: private-memory-budget 0
kernel void fixture_variable_array(device uint *values [[buffer(1)]],
                                   uint gid [[thread_position_in_grid]]) {
    uint count = values[0] & 15u;
    uint scratch[count + 1u];
    scratch[0] = values[gid];
    values[gid] = scratch[count];
}
