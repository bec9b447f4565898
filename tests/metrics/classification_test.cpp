// Classification metrics and make_metric against hand-computed confusion
// matrices.
#include "metrics/classification.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "metrics/make_metric.h"
#include "tensor/factory.h"
#include "test_util.h"

namespace nabla::metrics {
namespace {

using testing::expect_error;

// Logits [n, k] whose row i has its maximum in column predicted[i]: 2 there,
// −0.5·j elsewhere (so every other column is at most 0).
Tensor logits_for(const std::vector<std::int64_t>& predicted, std::int64_t k) {
  std::vector<float> v;
  for (std::int64_t p : predicted) {
    for (std::int64_t j = 0; j < k; ++j) v.push_back(j == p ? 2.0f : -0.5f * static_cast<float>(j));
  }
  return from_vector(v, Shape{static_cast<std::int64_t>(predicted.size()), k});
}

Tensor labels(const std::vector<std::int64_t>& v) {
  return from_vector(v);
}

// The multi-class example used throughout (k = 3, n = 10):
//   actual    0 0 0 1 1 1 2 2 2 2
//   predicted 0 0 1 1 2 2 2 2 2 0
// Confusion matrix (rows actual, columns predicted):
//         p0 p1 p2 | support
//   a0     2  1  0 |  3
//   a1     0  1  2 |  3
//   a2     1  0  3 |  4
//   pred   3  2  5 | 10      tp = 2, 1, 3; correct = 6
// precision = tp / predicted: 2/3, 1/2, 3/5
// recall    = tp / actual:    2/3, 1/3, 3/4
// F1 = 2 tp / (predicted + actual): 4/6 = 2/3, 2/5, 6/9 = 2/3
// macro:    P = (2/3 + 1/2 + 3/5) / 3 = 53/90, R = (2/3 + 1/3 + 3/4) / 3 = 7/12,
//           F1 = (2/3 + 2/5 + 2/3) / 3 = 26/45
// micro:    P = R = F1 = 6/10 (Σ tp / n)
// weighted: P = (3·2/3 + 3·1/2 + 4·3/5) / 10 = 5.9/10,
//           R = (3·2/3 + 3·1/3 + 4·3/4) / 10 = 6/10,
//           F1 = (3·2/3 + 3·2/5 + 4·2/3) / 10 = (88/15) / 10
const std::vector<std::int64_t> kActual = {0, 0, 0, 1, 1, 1, 2, 2, 2, 2};
const std::vector<std::int64_t> kPredicted = {0, 0, 1, 1, 2, 2, 2, 2, 2, 0};

// The binary example (n = 8), probabilities of class 1 and labels:
//   p     0.9 0.8 0.3 0.6 0.2 0.55 0.4 0.1
//   y     1   1   1   0   0   1    1   0
//   p>0.5 1   1   0   1   0   1    0   0
// tp = 3 (samples 0, 1, 5), fp = 1 (3), fn = 2 (2, 6), tn = 2 (4, 7)
// precision = 3/4, recall = 3/5, F1 = 2·3 / (2·3 + 1 + 2) = 2/3, accuracy = 5/8
const std::vector<double> kProbabilities = {0.9, 0.8, 0.3, 0.6, 0.2, 0.55, 0.4, 0.1};
const std::vector<std::int64_t> kBinaryLabels = {1, 1, 1, 0, 0, 1, 1, 0};

Tensor probabilities() {
  return from_vector(kProbabilities, Shape{8, 1});
}

TEST(DecodeClassLabels, InfersTheKindFromShapes) {
  const Tensor out = logits_for({2, 0}, 3);
  // Sparse: labels [n] against outputs [n, k].
  ClassLabels s = decode_class_labels(out, labels({2, 1}), LabelKind::automatic, 0.5, "t");
  EXPECT_EQ(s.predicted, (std::vector<std::int64_t>{2, 0}));
  EXPECT_EQ(s.actual, (std::vector<std::int64_t>{2, 1}));
  EXPECT_EQ(s.num_classes, 3);
  // Categorical: one-hot targets of the outputs' shape (argmax of both).
  const Tensor one_hot = tensor({{0, 1, 0}, {1, 0, 0}});
  ClassLabels c = decode_class_labels(out, one_hot, LabelKind::automatic, 0.5, "t");
  EXPECT_EQ(c.actual, (std::vector<std::int64_t>{1, 0}));
  // Binary: one output per sample against 0/1 floating targets.
  ClassLabels b = decode_class_labels(tensor({0.7, 0.2, 0.5}), tensor({1, 1, 0}),
                                      LabelKind::automatic, 0.5, "t");
  EXPECT_EQ(b.predicted, (std::vector<std::int64_t>{1, 0, 0}));  // 0.5 is not > 0.5
  EXPECT_EQ(b.actual, (std::vector<std::int64_t>{1, 1, 0}));
  EXPECT_EQ(b.num_classes, 2);
  // i64 outputs are predicted labels.
  ClassLabels l =
      decode_class_labels(labels({4, 1}), labels({4, 0}), LabelKind::automatic, 0.5, "t");
  EXPECT_EQ(l.predicted, (std::vector<std::int64_t>{4, 1}));
  EXPECT_EQ(l.num_classes, 5);
}

TEST(DecodeClassLabels, ArgmaxTakesTheFirstOfTiedMaxima) {
  // As numpy.argmax: row [1, 1, 0] is class 0, row [0, 2, 2] class 1; NaN never
  // wins, so [NaN, NaN] is class 0 and [NaN, 3] class 1.
  const ClassLabels l = decode_class_labels(tensor({{1, 1, 0}, {0, 2, 2}}), labels({0, 0}),
                                            LabelKind::sparse, 0.5, "t");
  EXPECT_EQ(l.predicted, (std::vector<std::int64_t>{0, 1}));
  const ClassLabels n = decode_class_labels(tensor({{NAN, NAN}, {NAN, 3}}), labels({0, 0}),
                                            LabelKind::automatic, 0.5, "t");
  EXPECT_EQ(n.predicted, (std::vector<std::int64_t>{0, 1}));
}

TEST(DecodeClassLabels, Errors) {
  const Tensor out = logits_for({0, 1}, 3);
  expect_error(
      [&] {
        decode_class_labels(out, labels({0, 1, 2}), LabelKind::automatic, 0.5, "op");
      },
      {"op", "[2, 3]", "[3]", "different numbers of samples"});
  expect_error(
      [&] {
        decode_class_labels(out, labels({0, 3}), LabelKind::automatic, 0.5, "op");
      },
      {"op", "actual label 3 at sample 1", "[0, 3)"});
  expect_error(
      [&] {
        decode_class_labels(out, tensor({0.0, 1.5}), LabelKind::automatic, 0.5, "op");
      },
      {"op", "label 1.5"});
  expect_error(
      [&] {
        decode_class_labels(out, tensor({0.0, NAN}), LabelKind::automatic, 0.5, "op");
      },
      {"op", "label nan"});
  expect_error(
      [&] {
        decode_class_labels(out, labels({-1, 0}), LabelKind::automatic, 0.5, "op");
      },
      {"op", "label -1"});
  expect_error(
      [&] {
        decode_class_labels(out, zeros({2, 4}), LabelKind::automatic, 0.5, "op");
      },
      {"op", "[2, 3]", "[2, 4]", "do not match"});
  expect_error(
      [&] {
        decode_class_labels(zeros({2, 3, 1}), labels({0, 1}), LabelKind::automatic, 0.5, "op");
      },
      {"op", "outputs must be [n] or [n, k]", "[2, 3, 1]"});
  expect_error([&] { decode_class_labels(Tensor(), labels({0}), LabelKind::automatic, 0.5, "op"); },
               {"op", "outputs are undefined"});
  expect_error(
      [&] {
        decode_class_labels(out, labels({0, 1}), LabelKind::binary, 0.5, "op");
      },
      {"op", "binary labels need one output per sample"});
  expect_error(
      [&] {
        decode_class_labels(tensor({0.9, 0.1}), labels({2, 0}), LabelKind::automatic, 0.5, "op");
      },
      {"op", "actual label 2", "[0, 2)"});
  expect_error(
      [&] {
        decode_class_labels(out, labels({0, 1}), LabelKind::categorical, 0.5, "op");
      },
      {"op", "categorical labels need", "[2, 3]", "[2]"});
  // Label outputs against label targets bound the labels at 2^20 = 1048576,
  // so one corrupt value cannot make per-class counts allocate gigabytes.
  expect_error(
      [] { decode_class_labels(labels({1048576}), labels({0}), LabelKind::automatic, 0.5, "op"); },
      {"op", "predicted label 1048576 at sample 0", "[0, 1048576)"});
  expect_error([&] { decode_class_labels(out, out, LabelKind::sparse, 0.5, "op"); },
               {"op", "labels must be [n] or [n, 1]", "[2, 3]"});
}

TEST(Accuracy, SparseCategoricalAndBinary) {
  // 6 of 10 correct (see kActual / kPredicted).
  Accuracy acc;
  acc.update(logits_for(kPredicted, 3), labels(kActual));
  EXPECT_DOUBLE_EQ(acc.result(), 0.6);
  EXPECT_EQ(acc.correct(), 6);
  EXPECT_EQ(acc.total(), 10);

  // The same decisions with one-hot targets.
  Accuracy categorical;
  std::vector<float> hot(30, 0.0f);
  for (std::size_t i = 0; i < kActual.size(); ++i) hot[i * 3 + kActual[i]] = 1.0f;
  categorical.update(logits_for(kPredicted, 3), from_vector(hot, Shape{10, 3}));
  EXPECT_DOUBLE_EQ(categorical.result(), 0.6);

  // Binary probabilities: 5 of 8 correct.
  Accuracy binary;
  binary.update(probabilities(), labels(kBinaryLabels));
  EXPECT_DOUBLE_EQ(binary.result(), 5.0 / 8.0);
  EXPECT_EQ(binary.name(), "accuracy");
}

TEST(Accuracy, SpecificKinds) {
  SparseCategoricalAccuracy sparse;
  sparse.update(logits_for(kPredicted, 3), labels(kActual));
  EXPECT_DOUBLE_EQ(sparse.result(), 0.6);
  EXPECT_EQ(sparse.name(), "sparse_categorical_accuracy");

  CategoricalAccuracy categorical;
  categorical.update(tensor({{0.1, 0.9}, {0.8, 0.2}}), tensor({{0, 1}, {0, 1}}));
  EXPECT_DOUBLE_EQ(categorical.result(), 0.5);
  EXPECT_EQ(categorical.name(), "categorical_accuracy");
  expect_error(
      [&] {
        categorical.update(tensor({{0.1, 0.9}}), labels({1}));
      },
      {"categorical_accuracy", "categorical labels need"});

  // Logits log(p / (1 − p)) with threshold 0 make the same decisions as p > 0.5.
  std::vector<double> logits;
  for (double p : kProbabilities) logits.push_back(std::log(p / (1 - p)));
  BinaryAccuracy binary({.threshold = 0.0});
  binary.update(from_vector(logits), labels(kBinaryLabels));
  EXPECT_DOUBLE_EQ(binary.result(), 5.0 / 8.0);
  EXPECT_EQ(binary.name(), "binary_accuracy");
  // The default threshold 0.5 on those logits: only logits > 0.5 (p > 0.6225)
  // are class 1: samples 0, 1 → right on 0, 1, 3, 4, 7 and wrong on 2, 5, 6.
  BinaryAccuracy half;
  half.update(from_vector(logits), labels(kBinaryLabels));
  EXPECT_DOUBLE_EQ(half.result(), 5.0 / 8.0);
  BinaryAccuracy strict({.threshold = 0.85});  // only sample 0: right on 0, 3, 4, 7
  strict.update(probabilities(), labels(kBinaryLabels));
  EXPECT_DOUBLE_EQ(strict.result(), 4.0 / 8.0);
}

TEST(Accuracy, AccumulatesAcrossBatchesAndResets) {
  Accuracy acc;
  // Batches of 4 and 6 samples: 3 + 3 correct = 6 of 10, as in one batch.
  const std::vector<std::int64_t> p1(kPredicted.begin(), kPredicted.begin() + 4);
  const std::vector<std::int64_t> a1(kActual.begin(), kActual.begin() + 4);
  const std::vector<std::int64_t> p2(kPredicted.begin() + 4, kPredicted.end());
  const std::vector<std::int64_t> a2(kActual.begin() + 4, kActual.end());
  acc.update(logits_for(p1, 3), labels(a1));
  EXPECT_DOUBLE_EQ(acc.result(), 3.0 / 4.0);
  acc.update(logits_for(p2, 3), labels(a2));
  EXPECT_DOUBLE_EQ(acc.result(), 0.6);
  acc.reset();
  EXPECT_TRUE(std::isnan(acc.result()));
  acc.update(logits_for(p2, 3), labels(a2));
  EXPECT_DOUBLE_EQ(acc.result(), 3.0 / 6.0);
}

TEST(Accuracy, EmptyIsNaN) {
  Accuracy acc;
  EXPECT_TRUE(std::isnan(acc.result()));
  acc.update(zeros({0, 3}), zeros({0}, DType::i64));
  EXPECT_TRUE(std::isnan(acc.result()));
  EXPECT_TRUE(std::isnan(accuracy(zeros({0, 3}), zeros({0}, DType::i64))));
}

TEST(Accuracy, FunctionOnWholeTensors) {
  EXPECT_DOUBLE_EQ(accuracy(logits_for(kPredicted, 3), labels(kActual)), 0.6);
  EXPECT_DOUBLE_EQ(accuracy(probabilities(), labels(kBinaryLabels)), 5.0 / 8.0);
  // Predicted labels against actual labels: 2 of 3 equal.
  EXPECT_DOUBLE_EQ(accuracy(labels({0, 2, 1}), labels({0, 2, 2})), 2.0 / 3.0);
  expect_error([] { accuracy(zeros({2, 3}), labels({0})); }, {"accuracy", "different numbers"});
}

TEST(ClassScores, BinaryPrecisionRecallF1) {
  Precision precision;
  Recall recall;
  F1Score f1;
  for (Metric* m : std::vector<Metric*>{&precision, &recall, &f1}) {
    m->update(probabilities(), labels(kBinaryLabels));
  }
  EXPECT_DOUBLE_EQ(precision.result(), 3.0 / 4.0);
  EXPECT_DOUBLE_EQ(recall.result(), 3.0 / 5.0);
  EXPECT_DOUBLE_EQ(f1.result(), 2.0 / 3.0);
  EXPECT_EQ(precision.name(), "precision");
  EXPECT_EQ(recall.name(), "recall");
  EXPECT_EQ(f1.name(), "f1");

  // positive_class = 0 swaps the roles: tp = 2 (tn above), fp = 2 (fn above),
  // fn = 1 (fp above): precision 2/4, recall 2/3, F1 = 4 / (4 + 2 + 1) = 4/7.
  F1Score f1_zero({.positive_class = 0});
  Precision precision_zero({.positive_class = 0});
  f1_zero.update(probabilities(), labels(kBinaryLabels));
  precision_zero.update(probabilities(), labels(kBinaryLabels));
  EXPECT_DOUBLE_EQ(f1_zero.result(), 4.0 / 7.0);
  EXPECT_DOUBLE_EQ(precision_zero.result(), 0.5);
}

TEST(ClassScores, MacroMicroWeighted) {
  const Tensor out = logits_for(kPredicted, 3);
  const Tensor y = labels(kActual);
  auto result = [&](Metric&& m) {
    m.update(out, y);
    return m.result();
  };
  EXPECT_DOUBLE_EQ(result(Precision({.average = Average::macro})), 53.0 / 90.0);
  EXPECT_DOUBLE_EQ(result(Recall({.average = Average::macro})), 7.0 / 12.0);
  EXPECT_DOUBLE_EQ(result(F1Score({.average = Average::macro})), 26.0 / 45.0);
  // Micro pools the counts: every score is the accuracy 0.6, unlike macro.
  EXPECT_DOUBLE_EQ(result(Precision({.average = Average::micro})), 0.6);
  EXPECT_DOUBLE_EQ(result(Recall({.average = Average::micro})), 0.6);
  EXPECT_DOUBLE_EQ(result(F1Score({.average = Average::micro})), 0.6);
  EXPECT_NE(result(F1Score({.average = Average::macro})),
            result(F1Score({.average = Average::micro})));
  EXPECT_DOUBLE_EQ(result(Precision({.average = Average::weighted})), 5.9 / 10.0);
  EXPECT_DOUBLE_EQ(result(Recall({.average = Average::weighted})), 0.6);
  EXPECT_DOUBLE_EQ(result(F1Score({.average = Average::weighted})), 88.0 / 150.0);
  // Binary averaging of one class against the rest: class 2 has precision 3/5
  // and recall 3/4.
  EXPECT_DOUBLE_EQ(result(Precision({.positive_class = 2})), 3.0 / 5.0);
  EXPECT_DOUBLE_EQ(result(Recall({.positive_class = 2})), 3.0 / 4.0);

  EXPECT_EQ(F1Score({.average = Average::macro}).name(), "f1_macro");
  EXPECT_EQ(Precision({.average = Average::micro}).name(), "precision_micro");
  EXPECT_EQ(Recall({.average = Average::weighted}).name(), "recall_weighted");
}

TEST(ClassScores, MacroLeavesOutClassesThatNeverOccur) {
  // The same decisions from 4 output columns: class 3 is neither actual nor
  // predicted, so the macro mean is still over classes 0, 1, 2 (scikit-learn's
  // labels = those present in y_true or y_pred).
  F1Score f1({.average = Average::macro});
  f1.update(logits_for(kPredicted, 4), labels(kActual));
  EXPECT_DOUBLE_EQ(f1.result(), 26.0 / 45.0);
  // A class that is predicted but never actual counts, with recall 0 (0/0):
  //   actual 0 0 1, predicted 0 2 1 → class 2: tp 0, predicted 1, actual 0
  //   precision: 1/1, 1/1, 0/1 → macro 2/3; recall: 1/2, 1/1, 0 → macro 1/2.
  Precision p({.average = Average::macro});
  Recall r({.average = Average::macro});
  p.update(logits_for({0, 2, 1}, 4), labels({0, 0, 1}));
  r.update(logits_for({0, 2, 1}, 4), labels({0, 0, 1}));
  EXPECT_DOUBLE_EQ(p.result(), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(r.result(), 1.0 / 2.0);
}

TEST(ClassScores, ZeroDivisionIsZeroAndEmptyIsNaN) {
  Precision p;
  Recall r;
  F1Score f1;
  EXPECT_TRUE(std::isnan(p.result()));
  EXPECT_TRUE(std::isnan(f1.result()));
  // Nothing predicted positive and nothing positive: every score 0 (0/0).
  for (Metric* m : std::vector<Metric*>{&p, &r, &f1}) {
    m->update(tensor({0.1, 0.2}), labels({0, 0}));
    EXPECT_EQ(m->result(), 0.0);
  }
  p.reset();
  EXPECT_TRUE(std::isnan(p.result()));
}

TEST(ClassScores, BatchesEqualTheWholeSet) {
  for (Average average : {Average::binary, Average::macro, Average::micro, Average::weighted}) {
    F1Score whole({.average = average});
    F1Score batched({.average = average});
    whole.update(logits_for(kPredicted, 3), labels(kActual));
    for (std::size_t begin = 0; begin < kActual.size(); begin += 3) {
      const std::size_t end = std::min(begin + 3, kActual.size());
      batched.update(logits_for({kPredicted.begin() + begin, kPredicted.begin() + end}, 3),
                     labels({kActual.begin() + begin, kActual.begin() + end}));
    }
    EXPECT_DOUBLE_EQ(batched.result(), whole.result()) << name(average);
  }
  // Binary batches of 3, 3 and 2 samples.
  Precision p;
  Recall r;
  for (std::int64_t begin = 0; begin < 8; begin += 3) {
    const std::int64_t end = std::min<std::int64_t>(begin + 3, 8);
    const Tensor probs = from_vector(
        std::vector<double>(kProbabilities.begin() + begin, kProbabilities.begin() + end));
    const Tensor y = labels({kBinaryLabels.begin() + begin, kBinaryLabels.begin() + end});
    p.update(probs, y);
    r.update(probs, y);
  }
  EXPECT_DOUBLE_EQ(p.result(), 3.0 / 4.0);
  EXPECT_DOUBLE_EQ(r.result(), 3.0 / 5.0);
}

TEST(ClassScores, Errors) {
  expect_error([] { Precision({.positive_class = -1}); }, {"precision", "positive_class", "-1"});
  expect_error([] { Recall({.num_classes = -2}); }, {"recall", "num_classes", "-2"});
  expect_error([] { F1Score({.positive_class = 3, .num_classes = 3}); },
               {"f1", "positive_class 3", "3 classes"});

  F1Score f1({.average = Average::macro, .num_classes = 4});
  expect_error([&] { f1.update(logits_for({0}, 3), labels({0})); },
               {"f1_macro", "num_classes is 4", "3 classes"});
  // Label outputs may use fewer classes than num_classes, not more.
  f1.update(labels({0, 3}), labels({0, 3}));
  expect_error(
      [&] {
        f1.update(labels({0, 4}), labels({0, 1}));
      },
      {"f1_macro", "num_classes is 4", "5 classes"});

  Precision p({.positive_class = 2});
  expect_error(
      [&] {
        p.update(tensor({0.2, 0.9}), labels({0, 1}));
      },
      {"precision", "positive_class 2", "2 classes"});
  EXPECT_TRUE(std::isnan(p.result()));  // the rejected batch was not counted

  Recall r({.average = Average::macro});
  r.update(logits_for({0}, 3), labels({0}));
  expect_error([&] { r.update(logits_for({0}, 4), labels({0})); },
               {"recall_macro", "4 classes", "earlier batches had 3"});
  expect_error([&] { r.update(logits_for({0}, 3), labels({5})); },
               {"recall_macro", "actual label 5", "[0, 3)"});
}

TEST(MakeMetric, EveryNameGivesItsKey) {
  const std::vector<std::pair<std::string, std::string>> names = {
      {"accuracy", "accuracy"},
      {"acc", "accuracy"},
      {"ACC", "accuracy"},
      {"binary_accuracy", "binary_accuracy"},
      {"categorical_accuracy", "categorical_accuracy"},
      {"sparse_categorical_accuracy", "sparse_categorical_accuracy"},
      {"precision", "precision"},
      {"recall", "recall"},
      {"f1", "f1"},
      {"precision_macro", "precision_macro"},
      {"recall_macro", "recall_macro"},
      {"f1_macro", "f1_macro"},
      {"precision_micro", "precision_micro"},
      {"recall_micro", "recall_micro"},
      {"f1_micro", "f1_micro"},
      {"precision_weighted", "precision_weighted"},
      {"recall_weighted", "recall_weighted"},
      {"f1_weighted", "f1_weighted"},
      {"AUC", "auc"},
      {"confusion_matrix", "confusion_matrix"},
      {"mse", "mse"},
      {"mean_squared_error", "mse"},
      {"mae", "mae"},
      {"mean_absolute_error", "mae"},
      {"rmse", "rmse"},
      {"root_mean_squared_error", "rmse"},
      {"r2", "r2"},
      {"r2_score", "r2"},
  };
  for (const auto& [name, key] : names) {
    const std::unique_ptr<Metric> m = make_metric(name);
    ASSERT_NE(m, nullptr) << name;
    EXPECT_EQ(m->name(), key) << name;
    EXPECT_EQ(m->clone()->name(), key) << name;
    EXPECT_TRUE(std::isnan(m->result())) << name;
  }
}

TEST(MakeMetric, MetricsComputeWhatTheirNameSays) {
  auto value = [](std::string_view name, const Tensor& out, const Tensor& y) {
    std::unique_ptr<Metric> m = make_metric(name);
    m->update(out, y);
    return m->result();
  };
  const Tensor out = logits_for(kPredicted, 3);
  const Tensor y = labels(kActual);
  EXPECT_DOUBLE_EQ(value("acc", out, y), 0.6);
  EXPECT_DOUBLE_EQ(value("f1_macro", out, y), 26.0 / 45.0);
  EXPECT_DOUBLE_EQ(value("precision_micro", out, y), 0.6);
  EXPECT_DOUBLE_EQ(value("recall_weighted", out, y), 0.6);
  EXPECT_DOUBLE_EQ(value("precision", probabilities(), labels(kBinaryLabels)), 0.75);
  EXPECT_DOUBLE_EQ(value("recall", probabilities(), labels(kBinaryLabels)), 0.6);
  EXPECT_DOUBLE_EQ(value("f1", probabilities(), labels(kBinaryLabels)), 2.0 / 3.0);
  // |1 − 3| and |2 − 2|: MAE 1, MSE 2.
  EXPECT_DOUBLE_EQ(value("mae", tensor({1, 2}), tensor({3, 2})), 1.0);
  EXPECT_DOUBLE_EQ(value("mse", tensor({1, 2}), tensor({3, 2})), 2.0);
}

TEST(MakeMetric, CloneIsFreshWithTheSameOptions) {
  F1Score f1({.average = Average::binary, .positive_class = 0, .threshold = 0.35});
  f1.update(probabilities(), labels(kBinaryLabels));
  const std::unique_ptr<Metric> copy = f1.clone();
  EXPECT_TRUE(std::isnan(copy->result()));
  copy->update(probabilities(), labels(kBinaryLabels));
  // Threshold 0.35 → predicted 1 1 0 1 0 1 1 0; class 0 (positive): actual
  // 0 at 3, 4, 7, predicted 0 at 2, 4, 7 → tp 2, predicted 3, actual 3: F1 2/3.
  EXPECT_DOUBLE_EQ(copy->result(), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(f1.result(), 2.0 / 3.0);

  BinaryAccuracy acc({.threshold = 0.85});
  const std::unique_ptr<Metric> acc_copy = acc.clone();
  acc_copy->update(probabilities(), labels(kBinaryLabels));
  EXPECT_DOUBLE_EQ(acc_copy->result(), 0.5);
}

TEST(MakeMetric, UnknownNameListsTheValidOnes) {
  expect_error([] { make_metric("accuracyy"); },
               {"make_metric", "unknown metric 'accuracyy'", "accuracy, acc, binary_accuracy",
                "f1_macro", "auc", "r2"});
  expect_error([] { make_metric(""); }, {"make_metric", "unknown metric ''"});
}

}  // namespace
}  // namespace nabla::metrics
