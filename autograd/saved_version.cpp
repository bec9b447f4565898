#include "autograd/saved_version.h"

#include <string>

#include "autograd/node.h"
#include "autograd/trace_detail.h"
#include "tensor/error.h"

namespace nabla::detail {

void throw_saved_modified(const Node& node,
                          std::size_t index,
                          std::size_t count,
                          const Tensor& saved,
                          SavedVersion noted) {
  std::string what;
  if (noted.role == kSavedOutput) {
    what = "the op's output";
  } else if (noted.role >= 0 && static_cast<std::size_t>(noted.role) < node.inputs().size()) {
    what = "input " + std::to_string(noted.role) + " " +
           autograd::detail::describe_input(node, static_cast<std::size_t>(noted.role));
  } else {
    what = "a tensor computed in the forward pass";
  }
  throw_error(node.name(), "a tensor saved for the backward pass was modified in place",
              autograd::detail::module_of(node), ": saved tensor ", index, " of ", count, " (",
              what, ", ", saved.dtype(), " ", saved.shape(), ") is at version ", saved.version(),
              "; it was saved at version ", noted.version,
              ". An in-place op (add_, copy_, an optimizer step, ...) changed it between forward "
              "and backward: change a clone(), or change it after backward");
}

}  // namespace nabla::detail
