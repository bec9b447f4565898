// The backward pass step by step: a callback after each node the engine runs,
// with the node, the gradient it received and the gradient it sent to each
// input, so a program can pause, print, or draw a frame per step (see
// examples/backward_frames.cpp, which renders numbered pictures with to_dot).
#pragma once

#include <cstddef>
#include <functional>
#include <vector>

#include "autograd/node.h"

namespace nabla::autograd {

/// One step of a backward pass: a node whose rule has run and whose
/// gradients have been accumulated into its inputs.
struct BackwardStep {
  std::size_t index = 0;  ///< 1-based position in the engine's order (as in the traces)
  std::size_t count = 0;  ///< how many nodes the pass runs
  const Node* node = nullptr;
  Tensor grad_out;  ///< the gradient the node received, ∂root/∂(its output)
  /// Per input, in argument order: the gradient sent (summed to the input's
  /// shape), or an undefined Tensor when the input needs none or got none.
  std::vector<Tensor> input_grads;
  /// The nodes that have run so far, in order, this one last (pass it to
  /// DotOptions::visited to colour the edges the gradient has travelled).
  std::vector<const Node*> visited;
};

using StepCallback = std::function<void(const BackwardStep& step)>;

/// Runs root.backward(grad_out, options) and calls `on_step` after each node.
/// Nodes that receive no gradient are not run and get no step. Throws what
/// backward throws, and nabla::Error for an empty callback; an exception
/// thrown by on_step stops the pass and propagates (gradients accumulated so
/// far stay). Backward passes started by on_step itself are not reported.
void step_through(const Variable& root,
                  const StepCallback& on_step,
                  const Tensor& grad_out = Tensor(),
                  const BackwardOptions& options = {});

}  // namespace nabla::autograd
