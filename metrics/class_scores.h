// Per-class counts of a classifier's decisions and the precision, recall and
// F1 score derived from them, per class and averaged (binary, macro, micro,
// weighted), with scikit-learn's definitions.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace nabla::metrics {

/// How per-class scores are combined into one number.
enum class Average {
  /// The score of the positive class alone.
  binary,
  /// The unweighted mean of the per-class scores, over the classes that occur
  /// among the actual or the predicted labels (scikit-learn's default label set).
  macro,
  /// The score of the pooled counts: Σ tp / Σ predicted and Σ tp / Σ actual.
  /// With one label per sample, micro precision = recall = F1 = accuracy.
  micro,
  /// The mean of the per-class scores weighted by each class's support.
  weighted,
};

/// "binary", "macro", "micro" or "weighted".
std::string_view name(Average average);

/// Precision, recall and F1 of one class or one average.
struct Scores {
  double precision = 0.0;
  double recall = 0.0;
  double f1 = 0.0;
};

/// Counts per class c: true positives (predicted c and actually c), predicted
/// (samples predicted as c) and actual (samples of class c, the support).
class ClassCounts {
 public:
  /// Counts over `num_classes` classes (more are added as larger labels appear).
  explicit ClassCounts(std::int64_t num_classes = 0);

  /// Adds one decision per sample. Throws nabla::Error when the two vectors
  /// differ in length or a label is negative.
  void add(const std::vector<std::int64_t>& predicted, const std::vector<std::int64_t>& actual);
  /// Sets every count to 0 (the number of classes stays).
  void clear();

  /// The number of classes counted so far (1 + the largest label seen, or the
  /// constructor's num_classes if larger).
  std::int64_t num_classes() const { return static_cast<std::int64_t>(actual_.size()); }
  /// The number of samples counted.
  std::int64_t total() const { return total_; }
  /// Samples predicted correctly.
  std::int64_t correct() const;
  /// Class c's counts (0 for a class outside the counts).
  std::int64_t true_positives(std::int64_t c) const;
  std::int64_t predicted(std::int64_t c) const;
  std::int64_t actual(std::int64_t c) const;

  /// Class c's scores (0 for a class outside the counts):
  ///   precision = tp / predicted,  recall = tp / actual,
  ///   F1 = 2 · precision · recall / (precision + recall) = 2 tp / (predicted + actual),
  /// each 0 when its denominator is 0 (scikit-learn's zero_division=0).
  Scores scores(std::int64_t c) const;
  /// The scores combined as `average` says; `positive_class` is the class of
  /// Average::binary. All NaN when nothing was counted. Throws nabla::Error
  /// for a negative positive_class.
  Scores average(Average average, std::int64_t positive_class = 1) const;

 private:
  void grow(std::int64_t num_classes);

  std::vector<std::int64_t> true_positives_, predicted_, actual_;
  std::int64_t total_ = 0;
};

}  // namespace nabla::metrics
