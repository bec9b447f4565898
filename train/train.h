// nabla train: fit / evaluate / predict. The metrics, callbacks, checkpoints
// and plots it works with are layers of their own (metrics/metrics.h,
// callbacks/callbacks.h, checkpoint/checkpoint.h, plot/plot.h).
#pragma once

#include "train/cross_validate.h"
#include "train/fit.h"
#include "train/lr_find.h"
#include "train/search.h"
