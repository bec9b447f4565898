#include "metrics/class_scores.h"

#include <algorithm>
#include <limits>

#include "tensor/error.h"

namespace nabla::metrics {
namespace {

// n / d, or 0 when d is 0 (scikit-learn's zero_division=0).
double ratio(double n, double d) {
  return d > 0 ? n / d : 0.0;
}

std::int64_t at(const std::vector<std::int64_t>& v, std::int64_t c) {
  return c >= 0 && c < static_cast<std::int64_t>(v.size()) ? v[static_cast<std::size_t>(c)] : 0;
}

}  // namespace

std::string_view name(Average average) {
  switch (average) {
    case Average::binary:
      return "binary";
    case Average::macro:
      return "macro";
    case Average::micro:
      return "micro";
    case Average::weighted:
      return "weighted";
  }
  return "binary";
}

ClassCounts::ClassCounts(std::int64_t num_classes) {
  NABLA_CHECK(num_classes >= 0, "ClassCounts", "num_classes must be >= 0, got ", num_classes);
  grow(num_classes);
}

void ClassCounts::grow(std::int64_t num_classes) {
  if (num_classes <= this->num_classes()) return;
  const auto k = static_cast<std::size_t>(num_classes);
  true_positives_.resize(k, 0);
  predicted_.resize(k, 0);
  actual_.resize(k, 0);
}

void ClassCounts::add(const std::vector<std::int64_t>& predicted,
                      const std::vector<std::int64_t>& actual) {
  NABLA_CHECK(predicted.size() == actual.size(), "ClassCounts", predicted.size(),
              " predicted labels but ", actual.size(), " actual labels");
  std::int64_t largest = -1;
  for (std::size_t i = 0; i < predicted.size(); ++i) {
    NABLA_CHECK(predicted[i] >= 0 && actual[i] >= 0, "ClassCounts", "negative label at sample ", i,
                ": predicted ", predicted[i], ", actual ", actual[i]);
    largest = std::max({largest, predicted[i], actual[i]});
  }
  grow(largest + 1);
  for (std::size_t i = 0; i < predicted.size(); ++i) {
    const auto p = static_cast<std::size_t>(predicted[i]);
    const auto a = static_cast<std::size_t>(actual[i]);
    ++predicted_[p];
    ++actual_[a];
    if (p == a) ++true_positives_[p];
  }
  total_ += static_cast<std::int64_t>(predicted.size());
}

void ClassCounts::clear() {
  std::fill(true_positives_.begin(), true_positives_.end(), 0);
  std::fill(predicted_.begin(), predicted_.end(), 0);
  std::fill(actual_.begin(), actual_.end(), 0);
  total_ = 0;
}

std::int64_t ClassCounts::correct() const {
  std::int64_t sum = 0;
  for (std::int64_t tp : true_positives_) sum += tp;
  return sum;
}

std::int64_t ClassCounts::true_positives(std::int64_t c) const {
  return at(true_positives_, c);
}
std::int64_t ClassCounts::predicted(std::int64_t c) const {
  return at(predicted_, c);
}
std::int64_t ClassCounts::actual(std::int64_t c) const {
  return at(actual_, c);
}

Scores ClassCounts::scores(std::int64_t c) const {
  const auto tp = static_cast<double>(true_positives(c));
  const auto pred = static_cast<double>(predicted(c));
  const auto act = static_cast<double>(actual(c));
  return {ratio(tp, pred), ratio(tp, act), ratio(2 * tp, pred + act)};
}

Scores ClassCounts::average(Average average, std::int64_t positive_class) const {
  NABLA_CHECK(positive_class >= 0, "ClassCounts", "positive_class must be >= 0, got ",
              positive_class);
  if (total_ == 0) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    return {nan, nan, nan};
  }
  switch (average) {
    case Average::binary:
      return scores(positive_class);
    case Average::micro: {
      // Every sample is predicted once and is of one class, so Σ predicted =
      // Σ actual = total, and all three scores are the accuracy.
      const auto tp = static_cast<double>(correct());
      const auto n = static_cast<double>(total_);
      return {tp / n, tp / n, tp / n};
    }
    case Average::macro:
    case Average::weighted: {
      Scores sum;
      double weight_sum = 0.0;
      for (std::int64_t c = 0; c < num_classes(); ++c) {
        if (predicted(c) + actual(c) == 0) continue;  // a class that never occurs
        const double w = average == Average::macro ? 1.0 : static_cast<double>(actual(c));
        const Scores s = scores(c);
        sum.precision += w * s.precision;
        sum.recall += w * s.recall;
        sum.f1 += w * s.f1;
        weight_sum += w;
      }
      return {sum.precision / weight_sum, sum.recall / weight_sum, sum.f1 / weight_sum};
    }
  }
  return {};
}

}  // namespace nabla::metrics
