#include "tensor/build_info.h"

#include <sstream>

#include "tensor/blis_config.h"
#include "tensor/gemm/kernels.h"
#include "tensor/parallel.h"

namespace nabla {

std::string build_info() {
  std::ostringstream out;
  out << "nabla " << NABLA_VERSION << '\n'
      << "compiler: " << __VERSION__ << '\n'
      << "build: " << NABLA_BUILD_TYPE << (NABLA_NATIVE_BUILD ? ", -march=native" : "") << '\n'
      << "threads: " << get_num_threads() << '\n'
      << "blis kernels: " << blis_kernel_config() << '\n'
      << "own f32 kernel: "
      << (gemm::own_gemm_enabled()
              ? "AVX-512"
              : (gemm::avx512_available() ? "off (NABLA_OWN_GEMM=0)" : "off (no AVX-512F)"))
      << '\n';
  return out.str();
}

}  // namespace nabla
