// nabla: reverse-mode automatic differentiation for tensors.
// The umbrella header: it includes each layer's public headers and nothing else.
#pragma once

#include "autograd/autograd.h"
#include "callbacks/callbacks.h"
#include "checkpoint/checkpoint.h"
#include "data/data.h"
#include "distributed/distributed.h"
#include "metrics/metrics.h"
#include "nn/nn.h"
#include "optim/optim.h"
#include "plot/plot.h"
#include "tensor/ops.h"
#include "train/train.h"
