#include "nn/submodule.h"

#include "nn/module.h"
#include "tensor/error.h"

namespace nabla::nn::detail {

void throw_null_submodule(const char* op, const std::type_info& type) {
  nabla::detail::throw_error("Submodule", op, " on a null handle to ", short_type_name(type),
                             " (assign it from register_module first)");
}

}  // namespace nabla::nn::detail
