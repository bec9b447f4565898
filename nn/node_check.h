// The node-wise gradient check (autograd/node_check.h) for a model: the
// model's buffers (BatchNorm's running statistics) are restored after the
// check and the generators its modules draw from (a seeded Dropout) restart
// in every run, so that replaying the forward changes nothing and draws the
// same masks.
#pragma once

#include "autograd/node_check.h"
#include "nn/module.h"

namespace nabla::nn {

/// check_nodes(fn, options) with model's buffers added to options.restore and
/// the generators of model and its submodules (named_generators) to
/// options.generators. fn typically returns a loss of model(x). Throws like
/// autograd::check_nodes.
autograd::NodeCheckResult check_nodes(Module& model,
                                      const autograd::NodeCheckFn& fn,
                                      autograd::NodeCheckOptions options = {});

/// Checks the nodes of model(x) the same way.
autograd::NodeCheckResult check_nodes(Module& model,
                                      const Tensor& x,
                                      autograd::NodeCheckOptions options = {});

}  // namespace nabla::nn
