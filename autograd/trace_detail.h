// What the engine calls while it runs, when a trace is requested or anomaly
// mode is on (implemented in trace.cpp). Not part of the public API.
#pragma once

#include <cstddef>
#include <iosfwd>

#include "autograd/node.h"

namespace nabla::autograd::detail {

void trace_begin(std::ostream& out, const Variable& root, std::size_t node_count);
void trace_node(std::ostream& out, std::size_t step, const Node& node, const Tensor& grad_out);
void trace_input(std::ostream& out, const Node& node, std::size_t i, const Tensor& grad);
void trace_end(std::ostream& out, const Variable& root);

/// Throws if `grad`, the gradient `node` sends to input i, holds a NaN or Inf.
void check_backward(const Node& node, std::size_t i, const Tensor& grad, std::size_t step);

/// Describes input i of `node`: "'w' (leaf) [3, 4]", "'h' (from TanhBackward) [2]".
std::string describe_input(const Node& node, std::size_t i);

}  // namespace nabla::autograd::detail
