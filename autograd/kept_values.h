// Kept values: the forward value and the gradient of every node of a graph,
// as micrograd's Value keeps data and grad, for the tools that show them
// (the explain trace, graph pictures, backward frames). Normally a node keeps
// only what its rule needs, and gradients of intermediate results live only
// while the engine runs. Inside a KeepValuesGuard:
// - every node recorded keeps its output value for as long as the node lives;
// - every backward pass keeps, for each node that keeps values, the gradient
//   it received (∂root/∂output of the last pass through it).
// Meant for small graphs that someone looks at: the values cost memory.
#pragma once

#include "autograd/backward_observer.h"
#include "autograd/node.h"
#include "tensor/tensor.h"

namespace nabla::autograd {

/// Nodes recorded in its scope (on this thread) keep their output value, and
/// backward passes run in its scope keep the gradient each such node receives.
/// Guards nest.
class KeepValuesGuard {
 public:
  KeepValuesGuard();
  ~KeepValuesGuard();
  KeepValuesGuard(const KeepValuesGuard&) = delete;
  KeepValuesGuard& operator=(const KeepValuesGuard&) = delete;

 private:
  class GradKeeper final : public BackwardObserver {
    void begin(const Variable& root, const std::vector<Node*>& nodes) override;
    void before_rule(std::size_t step, const Node& node, const Tensor& grad_out) override;
  };
  GradKeeper keeper_;
  ObserverGuard observing_;
};

/// The output value `node` kept, or an undefined Tensor when it was recorded
/// outside a KeepValuesGuard. It shares the output Variable's elements.
Tensor kept_value(const Node& node);

/// The gradient `node` received in the last backward pass run inside a
/// KeepValuesGuard, or an undefined Tensor (the node keeps no values, or no
/// such pass reached it yet).
Tensor kept_grad(const Node& node);

/// Whether `node` was recorded inside a KeepValuesGuard.
bool keeps_values(const Node& node);

namespace detail {

/// How many KeepValuesGuards are open on this thread (read by Node's constructor).
extern thread_local constinit int keep_values_depth;

/// Called by Node's constructor and destructor: stores `y` for `node`, drops
/// what `node` kept.
void keep_value(const Node& node, const Tensor& y);
void forget_values(const Node& node);

}  // namespace detail
}  // namespace nabla::autograd
