// Every part of the autograd layer: Variable, the graph, the engine, grad mode,
// the differentiable ops by family and the tools. Include this (or nabla.h).
#pragma once

#include "autograd/backward_observer.h"
#include "autograd/elementwise.h"
#include "autograd/engine.h"
#include "autograd/explain.h"
#include "autograd/function.h"
#include "autograd/grad_mode.h"
#include "autograd/gradcheck.h"
#include "autograd/graph_export.h"
#include "autograd/index.h"
#include "autograd/kept_values.h"
#include "autograd/linalg.h"
#include "autograd/nn_ops.h"
#include "autograd/node.h"
#include "autograd/op_list.h"
#include "autograd/reduce.h"
#include "autograd/shape_ops.h"
#include "autograd/step_through.h"
#include "autograd/trace.h"
#include "autograd/value_text.h"
#include "autograd/variable.h"
