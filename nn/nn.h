// Every part of the nn layer: Module, the layers, activations, losses,
// initializers and regularizers. Include this (or nabla.h).
#pragma once

#include "nn/activation_function.h"
#include "nn/activation_modules.h"
#include "nn/batch_norm.h"
#include "nn/dropout.h"
#include "nn/flatten.h"
#include "nn/identity.h"
#include "nn/init.h"
#include "nn/layer_norm.h"
#include "nn/layer_stats.h"
#include "nn/linear.h"
#include "nn/loss.h"
#include "nn/mode_guard.h"
#include "nn/module.h"
#include "nn/node_check.h"
#include "nn/regularizer.h"
#include "nn/residual.h"
#include "nn/sequential.h"
#include "nn/summary.h"
