#include "metrics/classification.h"

#include <limits>
#include <string>
#include <utility>

#include "tensor/error.h"

namespace nabla::metrics {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::int64_t count_correct(const ClassLabels& labels) {
  std::int64_t correct = 0;
  for (std::size_t i = 0; i < labels.actual.size(); ++i) {
    correct += labels.predicted[i] == labels.actual[i] ? 1 : 0;
  }
  return correct;
}

}  // namespace

double accuracy(const Tensor& outputs, const Tensor& targets, double threshold) {
  const ClassLabels labels =
      decode_class_labels(outputs, targets, LabelKind::automatic, threshold, "accuracy");
  if (labels.actual.empty()) return kNaN;
  return static_cast<double>(count_correct(labels)) / static_cast<double>(labels.actual.size());
}

// --- accuracy ---------------------------------------------------------------

Accuracy::Accuracy(AccuracyOptions options)
    : Accuracy("accuracy", LabelKind::automatic, options.threshold) {}

Accuracy::Accuracy(std::string name, LabelKind kind, double threshold)
    : name_(std::move(name)), kind_(kind), threshold_(threshold) {}

void Accuracy::reset() {
  correct_ = 0;
  total_ = 0;
}

void Accuracy::update(const Tensor& outputs, const Tensor& targets) {
  const ClassLabels labels = decode_class_labels(outputs, targets, kind_, threshold_, name_);
  correct_ += count_correct(labels);
  total_ += static_cast<std::int64_t>(labels.actual.size());
}

double Accuracy::result() const {
  return total_ > 0 ? static_cast<double>(correct_) / static_cast<double>(total_) : kNaN;
}

std::unique_ptr<Metric> Accuracy::clone() const {
  return std::make_unique<Accuracy>(AccuracyOptions{.threshold = threshold_});
}

BinaryAccuracy::BinaryAccuracy(BinaryAccuracyOptions options)
    : Accuracy("binary_accuracy", LabelKind::binary, options.threshold), options_(options) {}

std::unique_ptr<Metric> BinaryAccuracy::clone() const {
  return std::make_unique<BinaryAccuracy>(options_);
}

CategoricalAccuracy::CategoricalAccuracy()
    : Accuracy("categorical_accuracy", LabelKind::categorical, 0.5) {}

std::unique_ptr<Metric> CategoricalAccuracy::clone() const {
  return std::make_unique<CategoricalAccuracy>();
}

SparseCategoricalAccuracy::SparseCategoricalAccuracy()
    : Accuracy("sparse_categorical_accuracy", LabelKind::sparse, 0.5) {}

std::unique_ptr<Metric> SparseCategoricalAccuracy::clone() const {
  return std::make_unique<SparseCategoricalAccuracy>();
}

// --- precision, recall, F1 ----------------------------------------------------

ClassScoreMetric::ClassScoreMetric(std::string base, ClassScoreOptions options)
    : base_(std::move(base)), options_(options) {
  NABLA_CHECK(options.positive_class >= 0, base_, "positive_class must be >= 0, got ",
              options.positive_class);
  NABLA_CHECK(options.num_classes >= 0, base_, "num_classes must be >= 0, got ",
              options.num_classes);
  NABLA_CHECK(options.num_classes == 0 || options.positive_class < options.num_classes, base_,
              "positive_class ", options.positive_class, " is not one of the ", options.num_classes,
              " classes");
}

std::string ClassScoreMetric::name() const {
  if (options_.average == Average::binary) return base_;
  return base_ + "_" + std::string(metrics::name(options_.average));
}

void ClassScoreMetric::reset() {
  counts_.clear();
  seen_classes_ = 0;
}

void ClassScoreMetric::update(const Tensor& outputs, const Tensor& targets) {
  const std::string op = name();
  const ClassLabels labels =
      decode_class_labels(outputs, targets, LabelKind::automatic, options_.threshold, op);
  // Label outputs only bound the number of classes from below.
  const bool label_outputs = outputs.dtype() == DType::i64;
  if (options_.num_classes > 0) {
    NABLA_CHECK(label_outputs ? labels.num_classes <= options_.num_classes
                              : labels.num_classes == options_.num_classes,
                op, "num_classes is ", options_.num_classes, " but the batch has ",
                labels.num_classes, " classes");
  } else if (!label_outputs) {
    NABLA_CHECK(seen_classes_ == 0 || labels.num_classes == seen_classes_, op, "the batch has ",
                labels.num_classes, " classes, earlier batches had ", seen_classes_);
    NABLA_CHECK(options_.average != Average::binary || options_.positive_class < labels.num_classes,
                op, "positive_class ", options_.positive_class, " is not one of the ",
                labels.num_classes, " classes");
    seen_classes_ = labels.num_classes;
  }
  counts_.add(labels.predicted, labels.actual);
}

Precision::Precision(ClassScoreOptions options) : ClassScoreMetric("precision", options) {}
std::unique_ptr<Metric> Precision::clone() const {
  return std::make_unique<Precision>(options());
}

Recall::Recall(ClassScoreOptions options) : ClassScoreMetric("recall", options) {}
std::unique_ptr<Metric> Recall::clone() const {
  return std::make_unique<Recall>(options());
}

F1Score::F1Score(ClassScoreOptions options) : ClassScoreMetric("f1", options) {}
std::unique_ptr<Metric> F1Score::clone() const {
  return std::make_unique<F1Score>(options());
}

}  // namespace nabla::metrics
