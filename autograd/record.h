// record(): how a differentiable op enters the graph. An op computes its result
// with the tensor kernel, then calls record() with its node name, its inputs in
// argument order, the tensors its rule needs (save(...)) and the rule itself:
//
//   Tensor y = tanh(x.value());
//   // d tanh(x)/dx = 1 - tanh(x)^2 = 1 - y^2
//   return record("TanhBackward", y, {x}, save(y),
//                 [](const Tensor& grad_out, const Tensor& y) { return grad_out * (1 - y * y); });
//
// The rule receives grad_out = dL/dy and the saved tensors, optionally preceded
// by a NeedsGrad mask, and returns dL/d(input) per input (a Tensor for one input,
// a GradList for several) in the output's broadcast shape. It never sees a
// Variable, so it cannot keep the graph alive. When grad mode is off or no input
// requires grad, nothing is recorded and the saved tensors are not even copied.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <functional>
#include <initializer_list>
#include <optional>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "autograd/grad_mode.h"
#include "autograd/node.h"
#include "autograd/saved_version.h"
#include "autograd/variable.h"
#include "tensor/object_pool.h"

namespace nabla {

/// References to the tensors a rule needs; copied into the node only when it is recorded.
template <std::size_t N>
struct SavedRefs {
  std::array<const Tensor*, N> tensors;
};

template <class... T>
SavedRefs<sizeof...(T)> save(const T&... tensors) {
  static_assert((std::is_same_v<T, Tensor> && ...), "save() takes Tensors");
  return {{&tensors...}};
}

namespace detail {

bool should_record(VariableRefs inputs);
bool should_record(const std::vector<Variable>& inputs);
/// Wraps y in a Variable whose grad_fn is `node`.
Variable make_output(const Tensor& y, std::shared_ptr<Node> node);
/// Anomaly mode's forward check (trace.cpp): throws if y holds a NaN or Inf.
void check_forward(const char* name, const Tensor& y, VariableRefs inputs);
void check_forward(const char* name, const Tensor& y, const std::vector<Variable>& inputs);

inline std::atomic<bool>& anomaly_flag() {
  static std::atomic<bool> flag{false};
  return flag;
}

/// The output of an op that records no node (grad mode off, or no input
/// requires grad). Under NoGradGuard it notes `name` and the module scope in
/// the Variable, for autograd::why_no_grad.
Variable unrecorded_output(const char* name, const Tensor& y);

/// Sees the nodes record() and Function::apply create on this thread while it
/// is installed: the capture and replay of autograd::check_nodes
/// (node_check.cpp). Null otherwise, so the recording path pays one
/// thread-local load.
class RecordHook {
 public:
  virtual ~RecordHook() = default;
  /// Called before a node is created, with the op's output and inputs. A
  /// defined result is returned in place of the op's output, and no node is
  /// created.
  virtual Variable replace(const char* name,
                           const Tensor& y,
                           const std::vector<const Variable*>& inputs) = 0;
  /// Called with the output of each node created.
  virtual void recorded(const Variable& y, const std::vector<const Variable*>& inputs) = 0;
};

inline thread_local RecordHook* record_hook = nullptr;

std::vector<const Variable*> input_pointers(VariableRefs inputs);
std::vector<const Variable*> input_pointers(const std::vector<Variable>& inputs);

/// record() while a RecordHook is installed; make_node creates the node.
template <class Inputs, class MakeNode>
Variable hooked_record(const char* name,
                       const Tensor& y,
                       const Inputs& inputs,
                       MakeNode&& make_node) {
  const std::vector<const Variable*> refs = input_pointers(inputs);
  Variable replaced = record_hook->replace(name, y, refs);
  if (replaced.defined()) return replaced;
  Variable out = make_output(y, make_node());
  record_hook->recorded(out, refs);
  return out;
}

template <class Rule, class... Saved>
GradList invoke_rule(Rule& rule, const Tensor& grad_out, NeedsGrad needs, const Saved&... saved) {
  // A rule returning one Tensor is moved into the list, not copied.
  auto as_list = [](auto&& grads) -> GradList {
    if constexpr (std::is_same_v<std::decay_t<decltype(grads)>, GradList>) {
      return std::move(grads);
    } else {
      GradList list;
      list.emplace_back(std::move(grads));
      return list;
    }
  };
  if constexpr (std::is_invocable_v<Rule&, const Tensor&, NeedsGrad, const Saved&...>) {
    return as_list(rule(grad_out, needs, saved...));
  } else {
    static_assert(std::is_invocable_v<Rule&, const Tensor&, const Saved&...>,
                  "a rule takes (grad_out, [NeedsGrad,] saved tensors...)");
    return as_list(rule(grad_out, saved...));
  }
}

/// The node every record() creates: the saved tensors and the rule in one
/// allocation (make_shared puts the control block there too).
template <std::size_t N, class Rule>
class RuleNode final : public Node {
 public:
  template <class Inputs>
  RuleNode(const char* name,
           const Inputs& inputs,
           const Tensor& y,
           const SavedRefs<N>& saved,
           Rule&& rule)
      : Node(name, inputs, y), rule_(std::move(rule)) {
    for (std::size_t i = 0; i < N; ++i) {
      saved_[i] = *saved.tensors[i];
      versions_[i] = note_saved(saved_[i], y, inputs);
    }
  }

  GradList apply(const Tensor& grad_out) override {
    for (std::size_t i = 0; i < N; ++i) check_saved(*this, i, N, saved_[i], versions_[i]);
    return std::apply(
        [&](const auto&... saved) {
          return invoke_rule(*rule_, grad_out, needs_grad_mask(), saved...);
        },
        saved_);
  }

  std::vector<Tensor> saved_tensors() const override {
    std::vector<Tensor> out;
    for (const Tensor& t : saved_)
      if (t.defined()) out.push_back(t);
    return out;
  }

 protected:
  void release_saved() override {
    saved_ = {};
    versions_ = {};
    rule_.reset();
  }

 private:
  std::array<Tensor, N> saved_;
  std::array<SavedVersion, N> versions_;
  std::optional<Rule> rule_;
};

template <class Inputs, std::size_t N, class Rule>
Variable record_impl(const char* name,
                     const Tensor& y,
                     const Inputs& inputs,
                     const SavedRefs<N>& saved,
                     Rule&& rule) {
  if (anomaly_flag().load(std::memory_order_relaxed)) check_forward(name, y, inputs);
  if (!should_record(inputs)) return unrecorded_output(name, y);
  using R = std::decay_t<Rule>;
  auto make_node = [&] {
    return make_pooled<RuleNode<N, R>>(name, inputs, y, saved, R(std::forward<Rule>(rule)));
  };
  if (record_hook != nullptr) [[unlikely]]
    return hooked_record(name, y, inputs, make_node);
  return make_output(y, make_node());
}

}  // namespace detail

/// Records the op that produced `y` from `inputs`; see the file comment.
template <std::size_t N, class Rule>
Variable record(const char* name,
                const Tensor& y,
                VariableRefs inputs,
                const SavedRefs<N>& saved,
                Rule&& rule) {
  return detail::record_impl(name, y, inputs, saved, std::forward<Rule>(rule));
}

/// record() for ops with a variable number of inputs (cat, stack).
template <std::size_t N, class Rule>
Variable record(const char* name,
                const Tensor& y,
                const std::vector<Variable>& inputs,
                const SavedRefs<N>& saved,
                Rule&& rule) {
  return detail::record_impl(name, y, inputs, saved, std::forward<Rule>(rule));
}

/// record() for a rule that needs no saved tensor.
template <class Rule>
Variable record(const char* name, const Tensor& y, VariableRefs inputs, Rule&& rule) {
  return detail::record_impl(name, y, inputs, SavedRefs<0>{}, std::forward<Rule>(rule));
}

template <class Rule>
Variable record(const char* name,
                const Tensor& y,
                const std::vector<Variable>& inputs,
                Rule&& rule) {
  return detail::record_impl(name, y, inputs, SavedRefs<0>{}, std::forward<Rule>(rule));
}

}  // namespace nabla
