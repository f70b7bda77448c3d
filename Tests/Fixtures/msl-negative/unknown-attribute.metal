// Negative fixture (strict compile): an attribute outside the strict prelude's list, here a
// misspelt `thread_position_in_grid`, which would leave gid unbound on the GPU. Every MSL attribute
// the kernels may use is a macro of the prelude; any other is an unknown attribute, an error under
// -Werror (so function constants and host names are refused too). The shim silences unknown
// attributes and accepts it.
// check: strict
// strict: rejects
// shim: accepts
#include <metal_stdlib>
using namespace metal;

// msl-lint: private-memory-budget 0
kernel void fixture_unknown_attribute(device uint *values [[buffer(1)]],
                                      uint gid [[thread_position_in_grd]]) {
    values[gid] = 1u;
}
