// The backward engine: the only code that orders the walk over the graph,
// un-broadcasts gradients (sum_to) and accumulates them. See docs/autograd.md.
#pragma once

#include "autograd/variable.h"

namespace nabla::autograd {

/// Backpropagates from `root` (what Variable::backward calls). Runs every node
/// reachable from root.grad_fn() once, in reverse creation order, so a node runs
/// after all the nodes that consume its output. Iterative: graph depth and fan-out
/// are limited by memory only.
void backward(const Variable& root, const Tensor& grad_out, const BackwardOptions& options = {});

}  // namespace nabla::autograd
