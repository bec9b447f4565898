// Every part of the callbacks layer: the Callback interface and TrainContext,
// the callbacks (EarlyStopping, ReduceLROnPlateau, LearningRateScheduler,
// ModelCheckpoint, CSVLogger, TerminateOnNaN, ProgressBar), the monitored
// quantity and the number formatting they share. Include this (or nabla.h).
#pragma once

#include "callbacks/callback.h"
#include "callbacks/csv_logger.h"
#include "callbacks/early_stopping.h"
#include "callbacks/gradient_flow.h"
#include "callbacks/learning_rate_scheduler.h"
#include "callbacks/model_checkpoint.h"
#include "callbacks/monitor.h"
#include "callbacks/number_format.h"
#include "callbacks/progress_bar.h"
#include "callbacks/reduce_lr_on_plateau.h"
#include "callbacks/terminate_on_nan.h"
