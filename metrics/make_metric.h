// make_metric: any metric of nabla from its Keras name ("accuracy", "f1_macro",
// "mae", ...), as fit's `metrics` option takes them.
#pragma once

#include <memory>
#include <string_view>

#include "metrics/metric.h"

namespace nabla::metrics {

/// Builds a metric from its name, as fit's `metrics` option does:
///   "accuracy" / "acc"                Accuracy (kind from the shapes)
///   "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy"
///   "precision", "recall", "f1"       binary, positive class 1, threshold 0.5
///   "precision_macro", "recall_macro", "f1_macro", the same with "_micro" and
///   "_weighted"
///   "auc"                             ROC AUC of a binary classifier
///   "confusion_matrix"                ConfusionMatrix (its result is the accuracy)
///   "mse", "mae", "rmse", "r2"        (also "mean_squared_error",
///                                     "mean_absolute_error",
///                                     "root_mean_squared_error", "r2_score")
/// Case is ignored. The metric's name() is the canonical key of the list
/// ("acc" gives "accuracy", "mean_squared_error" gives "mse").
/// Throws nabla::Error listing the valid names for any other name.
std::unique_ptr<Metric> make_metric(std::string_view name);

}  // namespace nabla::metrics
