// The classification report: precision, recall, F1 and support of each class
// and their macro, micro and weighted averages, printed as scikit-learn's
// classification_report prints them.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "metrics/class_scores.h"
#include "tensor/tensor.h"

namespace nabla::metrics {

struct ClassificationReport {
  /// One name per class (the class index when none were given).
  std::vector<std::string> class_names;
  /// Per class: precision, recall and F1 (see ClassCounts::scores).
  std::vector<Scores> classes;
  /// Per class: the number of samples actually of it.
  std::vector<std::int64_t> support;
  /// Average::macro (over the classes that occur as actual or predicted
  /// labels), Average::micro (all three equal the accuracy) and
  /// Average::weighted (by support).
  Scores macro, micro, weighted;
  /// correct / total (NaN for no samples).
  double accuracy = 0.0;
  /// The number of samples.
  std::int64_t total = 0;

  /// The table, as scikit-learn prints it with `digits` decimals:
  ///
  ///                 precision    recall  f1-score   support
  ///
  ///            cat       0.50      1.00      0.67         1
  ///   ...
  ///
  ///       accuracy                           0.60         5
  ///      macro avg       0.50      0.56      0.49         5
  ///   weighted avg       0.70      0.60      0.61         5
  ///
  /// With one label per sample the micro average is the accuracy, which is
  /// therefore its row. Throws nabla::Error for digits outside [0, 15].
  std::string to_string(int digits = 2) const;
};

/// to_string() with 2 decimals.
std::ostream& operator<<(std::ostream& out, const ClassificationReport& report);

/// The report of `predicted` against `actual` labels ([n] or [n, 1], i64 or
/// floating whole numbers) over `num_classes` classes. `class_names` (k names,
/// or none) label the rows. Throws nabla::Error naming
/// "classification_report" when num_classes < 1, the sample counts differ, a
/// label is outside [0, num_classes), or there are neither 0 nor k names.
ClassificationReport classification_report(const Tensor& predicted,
                                           const Tensor& actual,
                                           std::int64_t num_classes,
                                           const std::vector<std::string>& class_names = {});

}  // namespace nabla::metrics
