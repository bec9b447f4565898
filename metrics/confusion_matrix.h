// The confusion matrix of a classifier: computed from label tensors, printed
// as an aligned table, and accumulated over batches as a Metric.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "metrics/class_labels.h"
#include "metrics/metric.h"

namespace nabla::metrics {

/// The largest number of classes a confusion matrix is built for (k² counts).
inline constexpr std::int64_t kMaxConfusionClasses = 4096;

/// The confusion matrix C (i64 [k, k], k = num_classes) of class labels, as
/// scikit-learn's confusion_matrix: C[i][j] = the number of samples of actual
/// class i predicted as class j (rows actual, columns predicted), so the
/// diagonal holds the correct predictions. `predicted` and `actual` are [n] or
/// [n, 1] labels (i64, or floating whole numbers).
/// Throws nabla::Error naming "confusion_matrix" when num_classes is outside
/// [1, kMaxConfusionClasses], the sample counts differ, or a label is outside
/// [0, num_classes).
Tensor confusion_matrix(const Tensor& predicted, const Tensor& actual, std::int64_t num_classes);

/// A confusion matrix as a text table: a header row with the predicted
/// classes, one row per actual class, columns right-aligned to their widest
/// entry, and with `show_recall` a last column with each row's recall
/// C[i][i] / Σ_j C[i][j] ("-" for a row without samples):
///
///   actual \ predicted  cat  dog  recall
///   cat                   3    1   0.750
///   dog                   0    2   1.000
///
/// `class_names` label the classes (their indices when empty). i64 counts
/// print as integers, floating entries (a normalized matrix) with 3 decimals.
/// Throws nabla::Error naming "format_confusion_matrix" when `cm` is not a
/// square [k, k] matrix or class_names has neither 0 nor k names.
std::string format_confusion_matrix(const Tensor& cm,
                                    const std::vector<std::string>& class_names = {},
                                    bool show_recall = true);

struct ConfusionMatrixOptions {
  /// The number of classes; 0 infers it from the outputs (k columns, 2 for one
  /// output per sample, or 1 + the largest label for label outputs).
  std::int64_t num_classes = 0;
  /// The threshold of binary outputs: 0.5 for probabilities, 0 for logits.
  double threshold = 0.5;
  /// How outputs and targets encode classes.
  LabelKind kind = LabelKind::automatic;
};

/// Accumulates the confusion matrix of the decoded labels (see
/// decode_class_labels) over every batch since reset(). Key
/// "confusion_matrix"; result() is the accuracy trace(C) / ΣC (NaN when
/// empty), since a Metric's result is one number; matrix() is the matrix.
class ConfusionMatrix : public Metric {
 public:
  /// Throws nabla::Error for num_classes outside [0, kMaxConfusionClasses].
  explicit ConfusionMatrix(ConfusionMatrixOptions options = {});

  std::string name() const override { return "confusion_matrix"; }
  void reset() override;
  /// Throws nabla::Error as decode_class_labels, and when the outputs' number
  /// of classes differs from num_classes (or exceeds it, for label outputs) or
  /// exceeds kMaxConfusionClasses.
  void update(const Tensor& outputs, const Tensor& targets) override;
  double result() const override;
  std::unique_ptr<Metric> clone() const override;

  /// C as an i64 [k, k] tensor (rows actual, columns predicted); [0, 0] before
  /// the number of classes is known.
  Tensor matrix() const;
  std::int64_t num_classes() const { return k_; }

 private:
  void grow(std::int64_t k);

  ConfusionMatrixOptions options_;
  std::int64_t k_ = 0;
  std::vector<std::int64_t> counts_;  // k_ x k_, row-major
};

}  // namespace nabla::metrics
