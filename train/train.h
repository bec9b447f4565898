// nabla train: fit / evaluate / predict, callbacks, metrics, checkpoints, plots.
#pragma once

#include "train/callback.h"
#include "train/checkpoint.h"
#include "train/fit.h"
#include "train/history.h"
#include "train/logs.h"
#include "train/metric.h"
