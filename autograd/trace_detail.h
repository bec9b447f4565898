// What the engine calls while it runs, when a trace is requested or anomaly
// mode is on (implemented in trace.cpp). Not part of the public API.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <memory>
#include <string>

#include "autograd/backward_observer.h"
#include "autograd/node.h"

namespace nabla::autograd::detail {

/// The backward trace (trace.h) as an observer printing to `out`.
std::unique_ptr<BackwardObserver> make_text_trace(std::ostream& out);

/// Throws if `grad`, the gradient `node` sends to input i, holds a NaN or Inf.
void check_backward(const Node& node, std::size_t i, const Tensor& grad, std::size_t step);

/// Describes input i of `node`: "'w' (leaf) [3, 4]", "'h' (from TanhBackward) [2]".
std::string describe_input(const Node& node, std::size_t i);

/// " in module 2.dense (Linear)" for a node recorded inside a module, "" otherwise.
std::string module_of(const Node& node);

}  // namespace nabla::autograd::detail
