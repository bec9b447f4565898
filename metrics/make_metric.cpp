#include "metrics/make_metric.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "metrics/classification.h"
#include "metrics/confusion_matrix.h"
#include "metrics/regression.h"
#include "metrics/roc_auc.h"
#include "tensor/error.h"

namespace nabla::metrics {
namespace {

template <class M>
std::unique_ptr<Metric> scores_metric(Average average) {
  return std::make_unique<M>(ClassScoreOptions{.average = average});
}

using Factory = std::function<std::unique_ptr<Metric>()>;

// The names make_metric accepts, in the order its error message lists them.
const std::vector<std::pair<std::string_view, Factory>>& factories() {
  static const std::vector<std::pair<std::string_view, Factory>> table = {
      {"accuracy", [] { return std::make_unique<Accuracy>(); }},
      {"acc", [] { return std::make_unique<Accuracy>(); }},
      {"binary_accuracy", [] { return std::make_unique<BinaryAccuracy>(); }},
      {"categorical_accuracy", [] { return std::make_unique<CategoricalAccuracy>(); }},
      {"sparse_categorical_accuracy", [] { return std::make_unique<SparseCategoricalAccuracy>(); }},
      {"precision", [] { return scores_metric<Precision>(Average::binary); }},
      {"recall", [] { return scores_metric<Recall>(Average::binary); }},
      {"f1", [] { return scores_metric<F1Score>(Average::binary); }},
      {"precision_macro", [] { return scores_metric<Precision>(Average::macro); }},
      {"recall_macro", [] { return scores_metric<Recall>(Average::macro); }},
      {"f1_macro", [] { return scores_metric<F1Score>(Average::macro); }},
      {"precision_micro", [] { return scores_metric<Precision>(Average::micro); }},
      {"recall_micro", [] { return scores_metric<Recall>(Average::micro); }},
      {"f1_micro", [] { return scores_metric<F1Score>(Average::micro); }},
      {"precision_weighted", [] { return scores_metric<Precision>(Average::weighted); }},
      {"recall_weighted", [] { return scores_metric<Recall>(Average::weighted); }},
      {"f1_weighted", [] { return scores_metric<F1Score>(Average::weighted); }},
      {"auc", [] { return std::make_unique<AUC>(); }},
      {"confusion_matrix", [] { return std::make_unique<ConfusionMatrix>(); }},
      {"mse", [] { return std::make_unique<MeanSquaredError>(); }},
      {"mean_squared_error", [] { return std::make_unique<MeanSquaredError>(); }},
      {"mae", [] { return std::make_unique<MeanAbsoluteError>(); }},
      {"mean_absolute_error", [] { return std::make_unique<MeanAbsoluteError>(); }},
      {"rmse", [] { return std::make_unique<RootMeanSquaredError>(); }},
      {"root_mean_squared_error", [] { return std::make_unique<RootMeanSquaredError>(); }},
      {"r2", [] { return std::make_unique<R2Score>(); }},
      {"r2_score", [] { return std::make_unique<R2Score>(); }},
  };
  return table;
}

}  // namespace

std::unique_ptr<Metric> make_metric(std::string_view name) {
  std::string key(name);
  std::transform(key.begin(), key.end(), key.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::string valid;
  for (const auto& [n, factory] : factories()) {
    if (n == key) return factory();
    valid += (valid.empty() ? "" : ", ") + std::string(n);
  }
  NABLA_CHECK(false, "make_metric", "unknown metric '", name, "' (valid names: ", valid, ")");
  return nullptr;
}

}  // namespace nabla::metrics
