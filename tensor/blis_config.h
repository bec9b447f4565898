// Choosing BLIS's kernel configuration before BLIS initialises.
//
// BLIS 0.9.0 picks its kernels once, at initialisation, from the CPU id or from
// the environment variable BLIS_ARCH_TYPE (a number in its own enumeration). It
// does not recognise recent CPUs such as AMD Zen 4/5 and silently falls back to
// slow generic kernels, so nabla detects the CPU's features itself and sets
// BLIS_ARCH_TYPE before the first BLIS call. An explicit user setting wins.
#pragma once

#include <string>

namespace nabla {

/// Chooses BLIS's kernel configuration (once per process) and initialises BLIS.
/// Every nabla entry point that calls BLIS calls this first. Throws
/// nabla::Error when the user's BLIS_ARCH_TYPE names no configuration of this
/// BLIS build (instead of letting BLIS abort the process).
void configure_blis();

/// Describes the active BLIS configuration, e.g. "skx (auto: avx512f/dq/bw/vl)".
std::string blis_kernel_config();

}  // namespace nabla
