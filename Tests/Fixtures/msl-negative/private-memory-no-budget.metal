// Negative fixture (lint rule `private-memory`): a kernel that states no budget. Both
// compiles accept it.
// check: lint private-memory
// strict: accepts
// shim: accepts
#include <metal_stdlib>
using namespace metal;

kernel void fixture_no_budget(device uint *values [[buffer(1)]],
                              uint gid [[thread_position_in_grid]]) {
    values[gid] += 1u;
}
