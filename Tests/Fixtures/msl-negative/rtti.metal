// Negative fixture (lint rule `rtti`; the strict compile rejects it too): a virtual function,
// whose call is an indirect call through a vtable, which MSL does not have. The shim accepts it.
// check: lint rtti
// strict: rejects
// shim: accepts
#include <metal_stdlib>
using namespace metal;

struct Step {
    virtual uint apply(uint x) const { return x + 1u; }
};

// msl-lint: private-memory-budget 0
kernel void fixture_rtti(device uint *values [[buffer(1)]],
                         uint gid [[thread_position_in_grid]]) {
    Step step;
    values[gid] = step.apply(values[gid]);
}
