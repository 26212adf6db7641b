// SPDX-License-Identifier: MIT
// Built with -std=c++2b and without inlining, so its call of Sub::tryGetMessage() is one the
// linker may merge with the other standard's.
#define DROPSLOT_ABI_PROBE readCxx23
#include "abiprobe.inc"
