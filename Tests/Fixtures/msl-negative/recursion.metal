// Negative fixture (lint rule `recursion`): a recursive call, which MSL forbids (a GPU thread has
// no call stack to grow). clang's C++ for OpenCL accepts recursion, so the strict compile passes
// it; the lint finds the cycle in the call graph. The shim accepts it too.
// check: lint recursion
// strict: accepts
// shim: accepts
#include <metal_stdlib>
using namespace metal;

inline uint gcd(uint a, uint b) { return b == 0u ? a : gcd(b, a % b); }

// msl-lint: private-memory-budget 0
kernel void fixture_recursion(device uint *values [[buffer(1)]],
                              uint gid [[thread_position_in_grid]]) {
    values[gid] = gcd(values[gid], 12u);
}
