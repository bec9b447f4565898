// nabla: reverse-mode automatic differentiation for tensors.
// The umbrella header: it includes each layer's public headers and nothing else.
#pragma once

#include "tensor/ops.h"
#include "autograd/ops.h"
