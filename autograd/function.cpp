#include "autograd/function.h"

#include <cxxabi.h>

#include <cstdlib>
#include <memory>

namespace nabla::autograd {

const std::vector<Tensor>& FunctionContext::saved() const {
  NABLA_CHECK(!released_, name_,
              "the saved tensors were freed by a backward pass; pass retain_graph = true to the "
              "first backward to differentiate the graph again");
  return saved_;
}

void FunctionContext::save_for_backward(std::vector<Tensor> tensors) {
  saved_ = std::move(tensors);
  versions_.assign(saved_.size(), {});
  for (std::size_t i = 0; i < saved_.size(); ++i) versions_[i].version = saved_[i].version();
}

bool FunctionContext::needs_grad(std::size_t i) const {
  NABLA_CHECK(i < needs_grad_.size(), name_, "needs_grad(", i, ") is out of range for ",
              needs_grad_.size(), needs_grad_.size() == 1 ? " input" : " inputs");
  return needs_grad_[i];
}

void FunctionContext::release() {
  saved_ = {};
  versions_ = {};
  values_.clear();
  released_ = true;
}

void FunctionContext::throw_missing(const std::string& key) const {
  nabla::detail::throw_error(name_, "ctx.get(\"", key,
                             "\"): no value was stored under this key (store it in forward "
                             "with ctx.set)");
}

void FunctionContext::throw_wrong_type(const std::string& key, const char* stored) const {
  // typeid names are mangled ("d" for double); show the C++ spelling.
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> readable(
      abi::__cxa_demangle(stored, nullptr, nullptr, &status), std::free);
  nabla::detail::throw_error(name_, "ctx.get(\"", key, "\"): the stored value has another type (",
                             status == 0 ? readable.get() : stored,
                             "); get<T> must name the type given to set");
}

}  // namespace nabla::autograd
