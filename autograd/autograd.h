// Every part of the autograd layer: Variable, the graph, the engine, grad mode,
// the differentiable ops by family and the tools. Include this (or nabla.h).
#pragma once

#include "autograd/elementwise.h"
#include "autograd/engine.h"
#include "autograd/function.h"
#include "autograd/grad_mode.h"
#include "autograd/gradcheck.h"
#include "autograd/graph_export.h"
#include "autograd/index.h"
#include "autograd/linalg.h"
#include "autograd/nn_ops.h"
#include "autograd/node.h"
#include "autograd/node_check.h"
#include "autograd/op_list.h"
#include "autograd/reduce.h"
#include "autograd/shape_ops.h"
#include "autograd/trace.h"
#include "autograd/variable.h"
#include "autograd/why_no_grad.h"
