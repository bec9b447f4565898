// The ROC curve and the area under it (ROC AUC) of a binary classifier's
// scores, exact (every score is kept; no binning into thresholds), as a
// function and as the "auc" Metric.
//
// Scores are the outputs for the positive class: one per sample ([n] or
// [n, 1]: a probability or a logit, the curve depends only on their order), or
// two per sample ([n, 2]: the score is column 1 − column 0, which orders the
// samples as the softmax probability of class 1 does). Labels are 0/1 ([n] or
// [n, 1], i64 or floating) or one-hot rows [n, 2].
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "metrics/metric.h"

namespace nabla::metrics {

/// The points of the ROC curve, one per distinct score, highest first.
struct RocCurve {
  /// False positive rate FP / N of "positive when score >= threshold".
  std::vector<double> fpr;
  /// True positive rate TP / P.
  std::vector<double> tpr;
  /// Decreasing; the first is +inf (the point (0, 0)), then each distinct score.
  std::vector<double> thresholds;
};

/// The ROC curve as scikit-learn's roc_curve(drop_intermediate=False): the
/// point (0, 0) and then one point per distinct score, tied scores being one
/// point. When the labels hold only one class, the rate of the missing class
/// is NaN. Throws nabla::Error naming "roc_curve" for mismatched shapes, a
/// label other than 0/1, or a NaN score.
RocCurve roc_curve(const Tensor& scores, const Tensor& labels);

/// The area under the ROC curve by the trapezoid rule over roc_curve's points
/// (tied scores form one diagonal step), which equals the probability that a
/// random positive scores above a random negative, ties counting one half:
///   AUC = (Σ_{p ∈ P, q ∈ N} [s_p > s_q] + ½ [s_p = s_q]) / (|P| · |N|),
/// scikit-learn's roc_auc_score. NaN when the labels hold only one class (or
/// none) or a score is NaN. Throws nabla::Error naming "roc_auc" for
/// mismatched shapes or a label other than 0/1.
double roc_auc(const Tensor& scores, const Tensor& labels);

/// ROC AUC over every sample since reset() (it keeps each score and label, 9
/// bytes per sample). Key "auc". result() is NaN before both classes have been
/// seen.
class AUC : public Metric {
 public:
  std::string name() const override { return "auc"; }
  void reset() override;
  /// Throws nabla::Error as roc_auc.
  void update(const Tensor& outputs, const Tensor& targets) override;
  double result() const override;
  std::unique_ptr<Metric> clone() const override;

 private:
  std::vector<double> scores_;
  std::vector<std::uint8_t> labels_;
};

}  // namespace nabla::metrics
