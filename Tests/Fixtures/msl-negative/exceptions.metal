// Negative fixture (lint rule `exceptions`; the strict compile rejects it too): MSL has no
// exceptions. The CPU shim's C++ compile accepts it.
// check: lint exceptions
// strict: rejects
// shim: accepts
#include <metal_stdlib>
using namespace metal;

inline uint checked(uint x) {
    if (x == 0u) {
        throw 1;
    }
    return x;
}

// msl-lint: private-memory-budget 0
kernel void fixture_exceptions(device uint *values [[buffer(1)]],
                               uint gid [[thread_position_in_grid]]) {
    values[gid] = checked(values[gid]);
}
