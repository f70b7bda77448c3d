// Negative fixture (lint rule `private-memory`): a kernel whose private arrays (a 1024-word
// table, 4096 bytes) exceed the budget it states. Both compiles accept it.
// check: lint private-memory
// strict: accepts
// shim: accepts
#include <metal_stdlib>
using namespace metal;

inline uint sum(thread const uint *table, uint count) {
    uint total = 0u;
    for (uint i = 0u; i < count; ++i) {
        total += table[i];
    }
    return total;
}

// msl-lint: private-memory-budget 1024
kernel void fixture_over_budget(device uint *values [[buffer(1)]],
                                uint gid [[thread_position_in_grid]]) {
    uint table[1024];
    for (uint i = 0u; i < 1024u; ++i) {
        table[i] = values[(gid + i) & 1023u];
    }
    values[gid] = sum(table, 1024u);
}
