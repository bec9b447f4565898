// Why is this gradient none or zero? why_no_grad(loss, v) explains, for one
// parameter or Variable v, what keeps the loss's gradient from reaching it:
//   - v is a leaf with requires_grad false;
//   - v was computed while grad mode was off (NoGradGuard), or is a detached
//     copy (detach()), and at which node and module;
//   - v requires grad but is on no path to the loss, and where the path breaks
//     (an input of the loss's graph that was detached or computed under
//     NoGradGuard);
//   - every path from the loss to v passes a node that sends back zero: a ReLU
//     dead for the whole batch, a saturated sigmoid or tanh, a clamp with every
//     element outside its range, or another rule (which layer, what fraction);
//   - gradients reach v along several paths and cancel;
// or says that the gradient is non-zero. The module of a node is its scope
// (autograd/scope.h). The facts come from the graph: a detached or no-grad
// Variable remembers its op and module (VariableImpl::cut_by), and the graph
// keeps such constants among its edges.
//
// To see the gradient flowing, why_no_grad runs one backward pass from the
// loss with retain_graph, recording each node's incoming gradient through
// hooks, and restores every leaf's grad() afterwards: the graph, the gradients
// and the hooks are left as they were (hooks the user registered do run). It
// needs a graph not yet released by backward (it says so otherwise).
#pragma once

#include <iosfwd>
#include <string>
#include <string_view>

#include "autograd/variable.h"

namespace nabla::autograd {

/// What keeps a gradient from reaching a Variable.
enum class NoGradCause {
  nonzero,            ///< nothing: the gradient is non-zero
  requires_grad_off,  ///< a leaf with requires_grad false
  no_grad_mode,       ///< computed while grad mode was off (NoGradGuard)
  detached,           ///< a copy cut from the graph by detach()
  not_on_path,        ///< the loss does not depend on it through the graph
  dead_relu,          ///< every path passes a ReLU that sends back zero
  saturated,          ///< every path passes a saturated sigmoid or tanh
  clamped,            ///< every path passes a clamp with its elements outside the range
  zero_rule,          ///< every path passes another node that sends back zero
  cancelled,          ///< gradients arrive along several paths and sum to zero
  released,           ///< the graph was released by backward: nothing left to inspect
};

/// The cause's name as written in the enum ("dead_relu").
std::string_view to_string(NoGradCause cause);

struct NoGradExplanation {
  NoGradCause cause = NoGradCause::nonzero;
  /// What happened, where, and what to do, in a few sentences.
  std::string message;
  /// Where the path breaks or the gradient dies: the node ("ReluBackward")
  /// and the module that created it ("1 (ReLU)"); empty when not at a node.
  std::string node;
  std::string module;
  /// For dead_relu, the fraction of the ReLU's units that output 0 for every
  /// row of the batch; for saturated, clamped and zero_rule, the fraction of
  /// the node's elements that pass no gradient.
  double fraction = 0;
  /// The largest |element| of v's gradient from the loss (0 when none arrives).
  double max_abs_grad = 0;
  /// "why_no_grad: <cause>: <message>".
  std::string report() const;
};

std::ostream& operator<<(std::ostream& out, const NoGradExplanation& explanation);

struct WhyNoGradOptions {
  /// The gradient to start from when the loss has more than one element (as
  /// for backward); ones for a one-element loss when undefined.
  Tensor grad_out = {};
  /// A gradient whose largest |element| is at most this counts as zero.
  double tolerance = 0.0;
};

/// Explains why the gradient of `loss` with respect to `v` is missing or zero
/// (see the file comment). Throws nabla::Error for an undefined loss or v, a
/// negative tolerance, and a loss with more than one element without
/// options.grad_out (or one of another shape).
NoGradExplanation why_no_grad(const Variable& loss,
                              const Variable& v,
                              const WhyNoGradOptions& options = {});

}  // namespace nabla::autograd
