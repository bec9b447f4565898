// Explain mode: the backward trace written for someone learning backprop.
// Each node, in the order the engine runs it, prints
// - the op and its output value y (values of small tensors, a summary of
//   large ones), and the module that recorded it;
// - the gradient g = ∂L/∂y it received, as the sum of its contributions when
//   its output fed several ops;
// - its local derivative rule in symbols, from the op registry (op_list.h);
// - for each input, what it sends: the rule in symbols, then with the numbers
//   plugged in for small tensors of the common ops (add, mul, tanh, matmul,
//   mean, softmax cross-entropy, ...), then the value; an input that needs no
//   gradient is shown as such.
// At the end, every leaf's gradient as the sum of what it received.
//
//   autograd::ExplainGuard explain(std::cout);  // record the forward inside it
//   Variable loss = ...;
//   loss.backward();
#pragma once

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <string>

#include "autograd/backward_observer.h"
#include "autograd/kept_values.h"

namespace nabla::autograd {

/// Options of the explain trace.
struct ExplainOptions {
  /// Tensors with at most this many elements are printed in full and get
  /// their rule with numbers; larger ones are summarised.
  std::int64_t values_up_to = 8;
  /// Significant digits of every number.
  int precision = 4;
  /// Only the nodes recorded inside this module and the modules below it
  /// (Node::scope()->path: "1" shows "1" and "1.dense", not "10"); "" shows
  /// every node. Gradients sent by hidden nodes still count in the sums shown.
  std::string module = {};
};

/// In its scope, on this thread: nodes recorded keep their output value (as
/// in KeepValuesGuard), and every backward pass prints the explain trace to
/// `out`. A graph recorded outside the guard is explained too, with the
/// forward values its nodes saved for their rules only. Throws nabla::Error
/// for a negative values_up_to or a precision outside [1, 17].
class ExplainGuard {
 public:
  explicit ExplainGuard(std::ostream& out, ExplainOptions options = {});
  ~ExplainGuard();
  ExplainGuard(const ExplainGuard&) = delete;
  ExplainGuard& operator=(const ExplainGuard&) = delete;

 private:
  std::unique_ptr<BackwardObserver> trace_;
  KeepValuesGuard keep_;
  ObserverGuard observing_;
};

}  // namespace nabla::autograd
