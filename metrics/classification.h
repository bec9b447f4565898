// Classification metrics: accuracy in its binary, categorical and sparse
// forms; precision, recall and F1 with binary, macro, micro or weighted
// averaging. The regression metrics are in metrics/regression.h, ROC AUC in
// metrics/roc_auc.h, the confusion matrix in metrics/confusion_matrix.h, and
// make_metric (any metric from its Keras name) in metrics/make_metric.h.
//
// Every metric accumulates over update() calls: result() is the value over all
// samples since reset(), exactly as if they had come in one batch.
//
// Outputs may be logits or probabilities: the argmax of a row is the same for
// both. One output per sample ([n] or [n, 1]) is a binary decision
// `output > threshold`; the default threshold 0.5 is for probabilities (a
// sigmoid output), use threshold 0 for logits.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "metrics/class_labels.h"
#include "metrics/class_scores.h"
#include "metrics/metric.h"

namespace nabla::metrics {

/// The fraction of samples whose predicted class equals the actual class, for
/// a whole set at once: decode_class_labels with LabelKind::automatic (see
/// Accuracy). NaN for no samples. Throws as Accuracy::update.
double accuracy(const Tensor& outputs, const Tensor& targets, double threshold = 0.5);

struct AccuracyOptions {
  /// The threshold of binary outputs (one per sample): 0.5 for probabilities,
  /// 0 for logits.
  double threshold = 0.5;
};

/// Accuracy = correct / total, with the kind of labels inferred from each
/// batch's shapes: targets [n] (labels) with outputs [n, k > 1] is sparse
/// categorical (argmax of the outputs); targets [n, k] with outputs [n, k] is
/// categorical (argmax of both); outputs [n] or [n, 1] are binary (output >
/// threshold against 0/1 targets). i64 outputs are taken as predicted labels.
/// Key "accuracy".
class Accuracy : public Metric {
 public:
  explicit Accuracy(AccuracyOptions options = {});

  std::string name() const override { return name_; }
  void reset() override;
  /// Throws nabla::Error for shapes that fit none of the kinds, for differing
  /// sample counts, and for a label out of range (see decode_class_labels).
  void update(const Tensor& outputs, const Tensor& targets) override;
  double result() const override;
  std::unique_ptr<Metric> clone() const override;

  /// The samples counted since reset(), and how many were right.
  std::int64_t total() const { return total_; }
  std::int64_t correct() const { return correct_; }

 protected:
  Accuracy(std::string name, LabelKind kind, double threshold);

 private:
  std::string name_;
  LabelKind kind_;
  double threshold_;
  std::int64_t correct_ = 0;
  std::int64_t total_ = 0;
};

struct BinaryAccuracyOptions {
  /// 0.5 for probabilities, 0 for logits.
  double threshold = 0.5;
};

/// Accuracy of one output per sample ([n] or [n, 1]) thresholded against 0/1
/// targets. Key "binary_accuracy".
class BinaryAccuracy : public Accuracy {
 public:
  explicit BinaryAccuracy(BinaryAccuracyOptions options = {});
  std::unique_ptr<Metric> clone() const override;

 private:
  BinaryAccuracyOptions options_;
};

/// Accuracy of outputs [n, k] against one-hot (or probability) targets
/// [n, k]: argmax of both. Key "categorical_accuracy".
class CategoricalAccuracy : public Accuracy {
 public:
  CategoricalAccuracy();
  std::unique_ptr<Metric> clone() const override;
};

/// Accuracy of outputs [n, k] against class labels [n] or [n, 1] in [0, k).
/// Key "sparse_categorical_accuracy".
class SparseCategoricalAccuracy : public Accuracy {
 public:
  SparseCategoricalAccuracy();
  std::unique_ptr<Metric> clone() const override;
};

/// The options of Precision, Recall and F1Score.
struct ClassScoreOptions {
  /// Average::binary scores `positive_class` alone (one class against the rest
  /// when there are more than two); macro, micro and weighted as Average says.
  Average average = Average::binary;
  std::int64_t positive_class = 1;
  /// The threshold of binary outputs: 0.5 for probabilities, 0 for logits.
  double threshold = 0.5;
  /// The number of classes; 0 infers it from the outputs (k columns, or 2 for
  /// one output per sample). When set, the outputs must agree with it.
  std::int64_t num_classes = 0;
};

/// The common part of Precision, Recall and F1Score: per-class counts of the
/// decoded labels (see ClassCounts).
class ClassScoreMetric : public Metric {
 public:
  std::string name() const override;
  void reset() override;
  /// Throws nabla::Error as Accuracy::update, and when the outputs have another
  /// number of classes than num_classes or than earlier batches, or
  /// positive_class is not one of them.
  void update(const Tensor& outputs, const Tensor& targets) override;
  const ClassCounts& counts() const { return counts_; }
  const ClassScoreOptions& options() const { return options_; }

 protected:
  /// `base` is "precision", "recall" or "f1". Throws nabla::Error for a
  /// negative positive_class or num_classes.
  ClassScoreMetric(std::string base, ClassScoreOptions options);
  Scores scores() const { return counts_.average(options_.average, options_.positive_class); }

 private:
  std::string base_;
  ClassScoreOptions options_;
  ClassCounts counts_;
  std::int64_t seen_classes_ = 0;  // the outputs' number of classes, once known
};

/// Precision = tp / (tp + fp): of the samples predicted as a class, the share
/// that is of it. Key "precision", or "precision_macro" / "_micro" /
/// "_weighted" for the other averages.
class Precision : public ClassScoreMetric {
 public:
  explicit Precision(ClassScoreOptions options = {});
  double result() const override { return scores().precision; }
  std::unique_ptr<Metric> clone() const override;
};

/// Recall = tp / (tp + fn): of the samples of a class, the share predicted as
/// it. Key "recall", "recall_macro", ...
class Recall : public ClassScoreMetric {
 public:
  explicit Recall(ClassScoreOptions options = {});
  double result() const override { return scores().recall; }
  std::unique_ptr<Metric> clone() const override;
};

/// F1 = 2 · precision · recall / (precision + recall) = 2 tp / (2 tp + fp + fn);
/// the macro F1 is the mean of the per-class F1 scores (not the F1 of the mean
/// precision and recall), as scikit-learn. Key "f1", "f1_macro", ...
class F1Score : public ClassScoreMetric {
 public:
  explicit F1Score(ClassScoreOptions options = {});
  double result() const override { return scores().f1; }
  std::unique_ptr<Metric> clone() const override;
};

}  // namespace nabla::metrics
