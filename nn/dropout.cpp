#include "nn/dropout.h"

#include <sstream>

#include "autograd/nn_ops.h"
#include "tensor/error.h"

namespace nabla::nn {

Dropout::Dropout(DropoutOptions options) : p_(options.p) {
  NABLA_CHECK(options.p >= 0 && options.p <= 1, "Dropout", "p must be in [0, 1], got ", options.p);
  // A Generator holds an atomic counter and cannot move; the pointer keeps
  // the module movable.
  if (options.seed) generator_ = std::make_unique<Generator>(*options.seed);
}

Variable Dropout::forward(const Variable& x) {
  NABLA_CHECK(!is_training() || is_floating(x.dtype()), "Dropout",
              "expected a floating input, got ", x.dtype(), " ", x.shape());
  return dropout(x, p_, is_training(), generator_.get());
}

std::vector<std::pair<std::string, Generator*>> Dropout::named_generators() const {
  if (generator_ == nullptr) return {};
  return {{"", generator_.get()}};
}

std::string Dropout::extra_repr() const {
  std::ostringstream out;
  out << "p=" << p_;
  return out.str();
}

}  // namespace nabla::nn
