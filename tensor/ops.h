// Every tensor operation, by family. Include this (or nabla.h) to get them all.
#pragma once

#include "tensor/build_info.h"
#include "tensor/elementwise.h"
#include "tensor/factory.h"
#include "tensor/index.h"
#include "tensor/linalg.h"
#include "tensor/nn_ops.h"
#include "tensor/parallel.h"
#include "tensor/print.h"
#include "tensor/random.h"
#include "tensor/reduce.h"
#include "tensor/shape_ops.h"
#include "tensor/solve.h"
#include "tensor/state_dict.h"
#include "tensor/tensor.h"
