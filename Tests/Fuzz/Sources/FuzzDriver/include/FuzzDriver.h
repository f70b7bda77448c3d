#ifndef OPTIMIZE_FUZZ_DRIVER_H
#define OPTIMIZE_FUZZ_DRIVER_H

#include <stddef.h>

// libFuzzer's driver (in the runtime that -sanitize=fuzzer links): runs the fuzzing loop over
// `callback` with the command line's options. Each target's main.swift calls it, because SwiftPM
// gives an executable's `main` to the module's own entry point, which would hide libFuzzer's.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const void *data, size_t size));

#endif
