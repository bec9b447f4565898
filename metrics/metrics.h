// Every part of the metrics layer: the Metric interface, the classification
// and regression metrics, ROC AUC, the confusion matrix, the classification
// report, make_metric, and the logged values (Logs, History). Include this
// (or nabla.h).
#pragma once

#include "metrics/class_labels.h"
#include "metrics/class_scores.h"
#include "metrics/classification.h"
#include "metrics/classification_report.h"
#include "metrics/confusion_matrix.h"
#include "metrics/history.h"
#include "metrics/logs.h"
#include "metrics/make_metric.h"
#include "metrics/metric.h"
#include "metrics/regression.h"
#include "metrics/roc_auc.h"
