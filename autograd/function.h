// User-defined differentiable functions, in the style of PyTorch's
// torch.autograd.Function: the caller writes the forward on Tensors and the
// backward rule by hand, and the function enters the graph like any built-in op.
//
//   struct Cube : autograd::Function<Cube> {
//     static constexpr const char* name = "CubeBackward";
//     static Tensor forward(autograd::FunctionContext& ctx, const Tensor& x) {
//       ctx.save_for_backward({x});
//       return x * x * x;
//     }
//     // d x^3/dx = 3 x^2
//     static GradList backward(autograd::FunctionContext& ctx, const Tensor& grad_out) {
//       const Tensor& x = ctx.saved()[0];
//       return {grad_out * 3.0 * x * x};
//     }
//   };
//   Variable y = Cube::apply(x);
//
// apply() takes the arguments of forward with Variables (or Tensors, taken as
// constants) in place of Tensors; other arguments (doubles, dims, flags) are
// passed through unchanged. forward receives the values and runs with grad mode
// off, so nothing inside it is recorded. backward receives dL/dy and returns
// one gradient per Variable/Tensor argument, in argument order, in the output's
// broadcast shape (the engine sums it down to each input's shape, as for every
// rule); an undefined Tensor means "no gradient". It may also return a single
// Tensor when there is one input. The engine rejects a wrong number of
// gradients or a gradient that does not broadcast to its input, naming `name`.
//
// The context carries what backward needs: tensors (save_for_backward, kept
// only when the graph is recorded and freed by the first backward without
// retain_graph) and other values (ctx.set("alpha", 2.0), ctx.get<double>("alpha")).
// Never store a Variable in it: that would keep its whole graph alive.
#pragma once

#include <any>
#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "autograd/grad_mode.h"
#include "autograd/node.h"
#include "autograd/record.h"
#include "autograd/saved_version.h"
#include "autograd/variable.h"
#include "tensor/error.h"

namespace nabla::autograd {

namespace detail {
template <class F>
class FunctionNode;
}  // namespace detail

/// What a custom function's forward leaves for its backward.
class FunctionContext {
 public:
  /// `name` is the node name, used in error messages.
  FunctionContext(const char* name, std::vector<bool> needs_grad)
      : name_(name), needs_grad_(std::move(needs_grad)) {}

  /// Keeps tensors for backward (replacing any saved before). Tensors share
  /// storage, so this copies no elements; changing a saved tensor in place
  /// before backward makes backward throw, as with built-in ops.
  void save_for_backward(std::vector<Tensor> tensors);
  /// The saved tensors, in the order given. Throws once they were freed.
  const std::vector<Tensor>& saved() const;

  /// Whether input i (counting the Variable/Tensor arguments of apply) needs a
  /// gradient. Valid in forward and backward; false for every input when the
  /// call is not recorded. Throws for i out of range.
  bool needs_grad(std::size_t i) const;
  std::size_t num_inputs() const { return needs_grad_.size(); }

  /// Stores a non-tensor value under `key` (replacing an earlier one).
  template <class T>
  void set(const std::string& key, T value) {
    static_assert(!std::is_same_v<std::decay_t<T>, Variable>,
                  "storing a Variable would keep its graph alive; save its value() instead");
    values_[key] = std::move(value);
  }
  /// The value stored under `key`. Throws nabla::Error naming the key when it
  /// was never set or holds another type.
  template <class T>
  const T& get(const std::string& key) const {
    auto it = values_.find(key);
    if (it == values_.end()) throw_missing(key);
    const T* value = std::any_cast<T>(&it->second);
    if (value == nullptr) throw_wrong_type(key, it->second.type().name());
    return *value;
  }
  bool has(const std::string& key) const { return values_.count(key) != 0; }

  /// Frees the saved tensors and values (the engine's release of the node).
  void release();
  bool released() const { return released_; }

 private:
  [[noreturn]] void throw_missing(const std::string& key) const;
  [[noreturn]] void throw_wrong_type(const std::string& key, const char* stored) const;

  template <class F>
  friend class detail::FunctionNode;

  const char* name_;
  std::vector<bool> needs_grad_;
  std::vector<Tensor> saved_;
  std::vector<nabla::detail::SavedVersion> versions_;  // of saved_, noted by save_for_backward
  std::map<std::string, std::any> values_;
  bool released_ = false;
};

namespace detail {

/// Turns whatever a custom backward returns into the engine's GradList.
template <class R>
GradList to_grad_list(R&& grads) {
  if constexpr (std::is_convertible_v<R, Tensor>) {
    return GradList{Tensor(std::forward<R>(grads))};
  } else {
    return GradList(grads.begin(), grads.end());
  }
}

/// The node a custom function records: its context and its backward.
template <class F>
class FunctionNode final : public Node {
 public:
  FunctionNode(const Tensor& y, FunctionContext&& ctx, const std::vector<Variable>& inputs)
      : Node(F::name, inputs, y), ctx_(std::move(ctx)) {
    // The versions were noted when forward saved the tensors; what each one is
    // to the op (an input, the output) is known only now.
    for (std::size_t i = 0; i < ctx_.saved_.size(); ++i)
      ctx_.versions_[i].role = nabla::detail::note_saved(ctx_.saved_[i], y, inputs).role;
  }

  GradList apply(const Tensor& grad_out) override {
    const std::size_t count = ctx_.saved_.size();
    for (std::size_t i = 0; i < count; ++i)
      nabla::detail::check_saved(*this, i, count, ctx_.saved_[i], ctx_.versions_[i]);
    return to_grad_list(F::backward(ctx_, grad_out));
  }
  std::vector<Tensor> saved_tensors() const override {
    return ctx_.released() ? std::vector<Tensor>() : ctx_.saved();
  }

 protected:
  void release_saved() override { ctx_.release(); }

 private:
  FunctionContext ctx_;
};

template <class T>
constexpr bool is_input_v = std::is_same_v<T, Variable> || std::is_same_v<T, Tensor>;

/// What forward receives for an argument of apply: the value of a Variable,
/// anything else unchanged.
template <class T>
const auto& forward_arg(const T& arg) {
  if constexpr (std::is_same_v<T, Variable>) {
    return arg.value();
  } else {
    return arg;
  }
}

}  // namespace detail

/// Base of a user-defined differentiable function; see the file comment.
/// Derived must define `static constexpr const char* name`, `forward(ctx, ...)`
/// returning a Tensor and `backward(ctx, grad_out)`.
template <class Derived>
struct Function {
  /// Runs Derived::forward on the values of the arguments and, when grad mode
  /// is on and an input requires grad, records a node named Derived::name. A
  /// non-floating output is returned as a constant. Throws nabla::Error when
  /// forward returns an undefined Tensor, and (in anomaly mode) when its
  /// output holds a NaN or Inf.
  template <class... Args>
  static Variable apply(const Args&... args) {
    std::vector<Variable> inputs;
    inputs.reserve(sizeof...(Args));
    (
        [&] {
          if constexpr (detail::is_input_v<Args>) inputs.emplace_back(args);
        }(),
        ...);
    const bool recording = nabla::detail::should_record(inputs);
    std::vector<bool> needs_grad(inputs.size(), false);
    if (recording)
      for (std::size_t i = 0; i < inputs.size(); ++i)
        needs_grad[i] = inputs[i].defined() && inputs[i].requires_grad();

    FunctionContext ctx(Derived::name, std::move(needs_grad));
    Tensor y;
    {
      NoGradGuard no_grad;
      y = Derived::forward(ctx, detail::forward_arg(args)...);
    }
    NABLA_CHECK(y.defined(), Derived::name, "forward returned an undefined Tensor");
    if (nabla::detail::anomaly_flag().load(std::memory_order_relaxed))
      nabla::detail::check_forward(Derived::name, y, inputs);
    if (!recording || !is_floating(y.dtype()))
      return nabla::detail::unrecorded_output(Derived::name, y);
    auto make_node = [&] {
      return std::make_shared<detail::FunctionNode<Derived>>(y, std::move(ctx), inputs);
    };
    if (nabla::detail::record_hook != nullptr) [[unlikely]]
      return nabla::detail::hooked_record(Derived::name, y, inputs, make_node);
    return nabla::detail::make_output(y, make_node());
  }
};

}  // namespace nabla::autograd
