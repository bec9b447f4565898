#include "nn/node_check.h"

#include <utility>

namespace nabla::nn {

autograd::NodeCheckResult check_nodes(Module& model,
                                      const autograd::NodeCheckFn& fn,
                                      autograd::NodeCheckOptions options) {
  for (const Tensor& buffer : model.buffers()) options.restore.push_back(buffer);
  for (const auto& [path, module] : model.named_modules())
    for (const auto& [name, generator] : module->named_generators())
      options.generators.push_back(generator);
  return autograd::check_nodes(fn, options);
}

autograd::NodeCheckResult check_nodes(Module& model,
                                      const Tensor& x,
                                      autograd::NodeCheckOptions options) {
  return check_nodes(
      model, [&model, &x] { return model(x); }, std::move(options));
}

}  // namespace nabla::nn
