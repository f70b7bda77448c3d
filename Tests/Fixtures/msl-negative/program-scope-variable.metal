// Negative fixture (strict compile): a mutable variable at program scope. MSL allows program-scope
// variables only in the constant address space; the shim compiles this as an ordinary C++ global
// (one per process, shared by every "GPU thread" of the emulation) and accepts it.
// check: strict
// strict: rejects
// shim: accepts
#include <metal_stdlib>
using namespace metal;

device uint calls;

// msl-lint: private-memory-budget 0
kernel void fixture_program_scope(device uint *values [[buffer(1)]],
                                  uint gid [[thread_position_in_grid]]) {
    calls += 1u;
    values[gid] = calls;
}
