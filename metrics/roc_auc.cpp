#include "metrics/roc_auc.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string_view>

#include "metrics/class_labels.h"
#include "tensor/error.h"

namespace nabla::metrics {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Appends the positive-class score and the 0/1 label of each sample.
void append_samples(const Tensor& outputs,
                    const Tensor& targets,
                    std::string_view op,
                    std::vector<double>& scores,
                    std::vector<std::uint8_t>& labels) {
  NABLA_CHECK(outputs.defined() && targets.defined(), op, "outputs or targets are undefined");
  const bool two_columns = outputs.dim() == 2 && outputs.size(1) == 2;
  NABLA_CHECK(outputs.dim() == 1 || (outputs.dim() == 2 && outputs.size(1) == 1) || two_columns, op,
              "scores must be [n], [n, 1] or [n, 2], got ", outputs.shape());
  NABLA_CHECK(targets.dim() >= 1 && outputs.size(0) == targets.size(0), op, "scores ",
              outputs.shape(), " and labels ", targets.shape(),
              " hold different numbers of samples");

  std::vector<std::int64_t> actual;
  if (targets.dim() == 2 && targets.size(1) == 2) {
    // One-hot rows: class 1 where column 1 is the larger.
    const std::vector<double> t = targets.to_vector<double>();
    for (std::size_t i = 0; i < t.size(); i += 2) actual.push_back(t[i + 1] > t[i] ? 1 : 0);
  } else {
    actual = read_labels(targets, 2, op, "actual");
  }

  const std::vector<double> o = outputs.to_vector<double>();
  const std::size_t n = actual.size();
  scores.reserve(scores.size() + n);
  labels.reserve(labels.size() + n);
  for (std::size_t i = 0; i < n; ++i) {
    scores.push_back(two_columns ? o[2 * i + 1] - o[2 * i] : o[i]);
    labels.push_back(static_cast<std::uint8_t>(actual[i]));
  }
}

// The cumulative false and true positive counts at +inf and at each distinct
// score, highest first. The scores must not be NaN (the sort needs an order).
struct Counts {
  std::vector<double> fp, tp, thresholds;
  double positives = 0, negatives = 0;
};

Counts cumulative_counts(const std::vector<double>& scores,
                         const std::vector<std::uint8_t>& labels) {
  std::vector<std::size_t> order(scores.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
  Counts c;
  c.fp.push_back(0);
  c.tp.push_back(0);
  c.thresholds.push_back(std::numeric_limits<double>::infinity());
  double fp = 0, tp = 0;
  for (std::size_t i = 0; i < order.size();) {
    // One point per distinct score: every tied sample crosses the threshold at once.
    const double s = scores[order[i]];
    for (; i < order.size() && scores[order[i]] == s; ++i) {
      if (labels[order[i]] != 0) {
        ++tp;
      } else {
        ++fp;
      }
    }
    c.fp.push_back(fp);
    c.tp.push_back(tp);
    c.thresholds.push_back(s);
  }
  c.positives = tp;
  c.negatives = fp;
  return c;
}

bool any_nan(const std::vector<double>& v) {
  return std::any_of(v.begin(), v.end(), [](double x) { return std::isnan(x); });
}

double area(const std::vector<double>& scores, const std::vector<std::uint8_t>& labels) {
  if (any_nan(scores)) return kNaN;
  const Counts c = cumulative_counts(scores, labels);
  if (c.positives == 0 || c.negatives == 0) return kNaN;
  // Trapezoids between consecutive points, in counts; a tie group is one
  // diagonal step, whose trapezoid gives its pairs half credit.
  double sum = 0.0;
  for (std::size_t j = 1; j < c.fp.size(); ++j) {
    sum += (c.fp[j] - c.fp[j - 1]) * (c.tp[j] + c.tp[j - 1]) / 2;
  }
  return sum / (c.positives * c.negatives);
}

}  // namespace

RocCurve roc_curve(const Tensor& scores, const Tensor& labels) {
  std::vector<double> s;
  std::vector<std::uint8_t> l;
  append_samples(scores, labels, "roc_curve", s, l);
  for (std::size_t i = 0; i < s.size(); ++i) {
    NABLA_CHECK(!std::isnan(s[i]), "roc_curve", "score NaN at sample ", i);
  }
  const Counts c = cumulative_counts(s, l);
  RocCurve curve;
  curve.thresholds = c.thresholds;
  for (std::size_t j = 0; j < c.fp.size(); ++j) {
    curve.fpr.push_back(c.negatives > 0 ? c.fp[j] / c.negatives : kNaN);
    curve.tpr.push_back(c.positives > 0 ? c.tp[j] / c.positives : kNaN);
  }
  return curve;
}

double roc_auc(const Tensor& scores, const Tensor& labels) {
  std::vector<double> s;
  std::vector<std::uint8_t> l;
  append_samples(scores, labels, "roc_auc", s, l);
  return area(s, l);
}

void AUC::reset() {
  scores_.clear();
  labels_.clear();
}

void AUC::update(const Tensor& outputs, const Tensor& targets) {
  // Appended only after the whole batch is checked, so a rejected batch leaves
  // the metric as it was.
  std::vector<double> s;
  std::vector<std::uint8_t> l;
  append_samples(outputs, targets, "AUC", s, l);
  scores_.insert(scores_.end(), s.begin(), s.end());
  labels_.insert(labels_.end(), l.begin(), l.end());
}

double AUC::result() const {
  return area(scores_, labels_);
}

std::unique_ptr<Metric> AUC::clone() const {
  return std::make_unique<AUC>();
}

}  // namespace nabla::metrics
