#include "tensor/build_info.h"

#include <sstream>

#include "tensor/blis_config.h"
#include "tensor/parallel.h"

namespace nabla {

std::string build_info() {
  std::ostringstream out;
  out << "nabla " << NABLA_VERSION << '\n'
      << "compiler: " << __VERSION__ << '\n'
      << "build: " << NABLA_BUILD_TYPE << (NABLA_NATIVE_BUILD ? ", -march=native" : "") << '\n'
      << "threads: " << get_num_threads() << '\n'
      << "blis kernels: " << blis_kernel_config() << '\n';
  return out.str();
}

}  // namespace nabla
