// Negative fixture (lint rule `address-space`): a reference with no address space. The strict
// compile gives it OpenCL's generic address space, which accepts a `device` value as readily as a
// `thread` one, so the mismatch goes unseen there; MSL has no generic space and wants the address
// space written. The shim accepts it too.
// check: lint address-space
// strict: accepts
// shim: accepts
#include <metal_stdlib>
using namespace metal;

inline uint first(const uint &value) { return value; }

// msl-lint: private-memory-budget 0
kernel void fixture_unqualified(device uint *values [[buffer(1)]],
                                uint gid [[thread_position_in_grid]]) {
    values[gid] = first(values[0]);
}
