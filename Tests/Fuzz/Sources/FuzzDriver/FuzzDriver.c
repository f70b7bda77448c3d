// The declaration of libFuzzer's driver is all there is; its definition is in the fuzzer runtime.
#include "FuzzDriver.h"
