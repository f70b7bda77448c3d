// metal_shim_end.h — closes what `metal_stdlib` (the shim) opened, after the .metal source.

#undef kernel
#undef device
#undef thread
#undef constant
#undef threadgroup
#undef uchar
#undef ushort
#undef uint
#undef ulong

#pragma clang diagnostic pop
