// Variable: a Tensor value plus what reverse-mode differentiation needs: whether
// it requires a gradient, the accumulated gradient, and the Node that produced
// it (its grad_fn). Copies of a Variable share that state, like PyTorch's
// tensors: a Module's member and its parameter registry see the same value and
// the same grad. Operations on Variables live in the family headers
// (elementwise.h, reduce.h, ...); the backward pass lives in engine.h.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tensor/tensor.h"

namespace nabla {

class Node;
namespace autograd {
struct Scope;
}  // namespace autograd

/// A gradient hook: receives the gradient flowing into a Variable and returns
/// either an undefined Tensor (keep the gradient) or a replacement of the same
/// shape.
using GradHook = std::function<Tensor(const Tensor& grad)>;

/// A hook run on a leaf once a backward pass has accumulated every one of its
/// contributions into grad(); it receives that gradient (undefined when every
/// contribution was none). What data-parallel training starts its
/// communication from.
using PostAccumulateHook = std::function<void(const Tensor& grad)>;

/// The shared state behind Variable handles. Users go through Variable.
struct VariableImpl {
  // User-provided, so that make_pooled<VariableImpl>() sets the members and
  // does not zero the whole object first (once per op).
  VariableImpl() noexcept {}  // NOLINT(modernize-use-equals-default)
  Tensor value;
  Tensor grad;
  std::shared_ptr<Node> grad_fn;
  std::string name;
  std::vector<GradHook> hooks;  ///< leaf hooks; a non-leaf's hooks live on its grad_fn
  std::vector<PostAccumulateHook> post_accumulate_hooks;  ///< leaves only
  bool requires_grad = false;  ///< set for leaves only; non-leaves require grad via grad_fn
  bool retains_grad = false;
  /// Where a constant was cut from a graph, for autograd::why_no_grad: the
  /// node name its op would have recorded had grad mode been on, or "detach";
  /// null for data. Set off the recording path only.
  const char* cut_by = nullptr;
  /// The module whose call computed it (null outside every module).
  const autograd::Scope* cut_scope = nullptr;
  /// For detach(): the node it was detached from (not kept alive).
  std::weak_ptr<Node> cut_from;
};

namespace detail {
/// Set once any leaf gets a post-accumulate hook; until then the engine skips
/// looking for hooked leaves among a graph's inputs.
inline std::atomic<bool> any_post_accumulate_hook{false};
/// Set while autograd::check_nodes replays a function in f64: a Variable made
/// from an f32 tensor then holds an f64 copy. Off otherwise.
inline thread_local bool replay_in_f64 = false;
}  // namespace detail

/// Options of Variable::backward.
struct BackwardOptions {
  /// Keep the saved tensors so the same graph can be differentiated again.
  bool retain_graph = false;
  /// When set, prints each node as the engine runs it (see trace.h).
  std::ostream* trace = nullptr;
};

class Variable {
 public:
  /// An undefined Variable (no value).
  Variable() = default;
  /// A leaf holding `value`. A Tensor converts implicitly to a constant
  /// (requires_grad = false) Variable. Throws if requires_grad is set on a
  /// non-floating dtype.
  Variable(Tensor value, bool requires_grad = false);  // NOLINT(google-explicit-constructor)

  /// Wraps existing shared state (used by the ops that create Variables).
  explicit Variable(std::shared_ptr<VariableImpl> impl) : impl_(std::move(impl)) {}

  bool defined() const { return impl_ != nullptr; }

  /// The value. The non-const overload is for in-place updates of parameters
  /// under NoGradGuard (optimizers); mutating a tensor a graph saved makes
  /// that graph's backward throw (its gradient would be wrong), as in PyTorch.
  const Tensor& value() const { return checked().value; }
  Tensor& value() { return checked().value; }

  /// The accumulated gradient; undefined until a backward pass reaches this
  /// Variable (leaves, and non-leaves after retain_grad()).
  const Tensor& grad() const { return checked().grad; }
  /// In-place access for gradient clipping and optimizers (under NoGradGuard).
  Tensor& grad() { return checked().grad; }
  /// Replaces the gradient (e.g. for gradient clipping or tests). Throws if
  /// the shape or dtype differs from the value's.
  void set_grad(Tensor grad);

  /// True for leaves created with requires_grad and for every Variable whose
  /// value was computed from one while grad mode was on.
  bool requires_grad() const;
  /// Sets requires_grad on a leaf. Throws for a non-leaf or a non-floating dtype.
  Variable& set_requires_grad(bool requires_grad);

  /// The Node that produced this Variable; null for leaves.
  const std::shared_ptr<Node>& grad_fn() const;
  bool is_leaf() const;

  /// The name shown in error messages, traces and graph exports ("" by default).
  const std::string& name() const;
  Variable& set_name(std::string name);

  /// Backpropagates from this Variable: accumulates d(this)/d(leaf) * grad_out
  /// into the grad() of every leaf that requires grad. grad_out defaults to 1
  /// for a one-element Variable and is required otherwise. Without
  /// options.retain_graph the graph's saved tensors are released and a second
  /// backward through it throws. Leaf gradients accumulate across calls until
  /// zero_grad(), as in PyTorch.
  void backward(const Tensor& grad_out = Tensor(), const BackwardOptions& options = {}) const;
  void backward(const BackwardOptions& options) const { backward(Tensor(), options); }

  /// A new leaf sharing this value's storage, cut from the graph (no grad_fn,
  /// requires_grad false). It remembers the node it was cut from, so that
  /// autograd::why_no_grad can name it.
  Variable detach() const;

  /// Drops the accumulated gradient (grad() becomes undefined).
  void zero_grad();

  /// Makes a non-leaf keep its gradient in grad() during backward (leaves
  /// always do).
  void retain_grad();
  bool retains_grad() const;

  /// Registers a hook run on the gradient flowing into this Variable before it
  /// is accumulated or propagated further; returns an id for remove_hook.
  int register_hook(GradHook hook);
  void remove_hook(int id);

  /// Registers a hook run once per backward pass that reaches this leaf,
  /// after the pass has accumulated its last contribution into grad() (a leaf
  /// used by several ops receives several); returns an id for
  /// remove_post_accumulate_hook. Throws for a non-leaf or a leaf that does
  /// not require grad.
  int register_post_accumulate_hook(PostAccumulateHook hook);
  void remove_post_accumulate_hook(int id);

  // Shortcuts to the value.
  const Shape& shape() const { return value().shape(); }
  std::int64_t dim() const { return value().dim(); }
  std::int64_t size(std::int64_t d) const { return value().size(d); }
  std::int64_t numel() const { return value().numel(); }
  DType dtype() const { return value().dtype(); }
  template <class T>
  T item() const {
    return value().item<T>();
  }

  const std::shared_ptr<VariableImpl>& impl() const { return impl_; }

 private:
  VariableImpl& checked() const {
    if (impl_ == nullptr) [[unlikely]]
      throw_undefined();
    return *impl_;
  }
  [[noreturn]] static void throw_undefined();

  std::shared_ptr<VariableImpl> impl_;
};

/// Prints "Variable(name, shape, requires_grad, grad_fn=TanhBackward)" and the value.
std::ostream& operator<<(std::ostream& out, const Variable& v);

/// Returns the values of `variables` (no copy of the elements).
std::vector<Tensor> values(const std::vector<Variable>& variables);

}  // namespace nabla
