// What this build of nabla is running with: compiler, flags, threads, and the
// BLIS kernel configuration chosen for this CPU.
#pragma once

#include <string>

namespace nabla {

/// A few lines: version, compiler, build type, OpenMP threads, BLIS kernels.
std::string build_info();

}  // namespace nabla
