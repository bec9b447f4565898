// nabla train: fit / evaluate / predict, callbacks, metrics, checkpoints, plots.
#pragma once

#include "train/callback.h"
#include "train/checkpoint.h"
#include "train/csv_logger.h"
#include "train/early_stopping.h"
#include "train/fit.h"
#include "train/history.h"
#include "train/learning_rate_scheduler.h"
#include "train/logs.h"
#include "train/metric.h"
#include "train/model_checkpoint.h"
#include "train/monitor.h"
#include "train/number_format.h"
#include "train/progress_bar.h"
#include "train/reduce_lr_on_plateau.h"
#include "train/terminate_on_nan.h"
