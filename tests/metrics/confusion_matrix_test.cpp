// The confusion matrix (function, table, Metric) and the classification report,
// against hand-computed matrices and hand-written tables.
#include "metrics/confusion_matrix.h"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "metrics/classification_report.h"
#include "tensor/factory.h"
#include "test_util.h"

namespace nabla::metrics {
namespace {

using testing::expect_error;
using testing::values;

// actual    0 0 0 1 1 1 2 2 2 2
// predicted 0 0 1 1 2 2 2 2 2 0
// counted pair by pair (rows actual, columns predicted):
//   a0: p0 p0 p1       → 2 1 0
//   a1: p1 p2 p2       → 0 1 2
//   a2: p2 p2 p2 p0    → 1 0 3
const std::vector<std::int64_t> kActual = {0, 0, 0, 1, 1, 1, 2, 2, 2, 2};
const std::vector<std::int64_t> kPredicted = {0, 0, 1, 1, 2, 2, 2, 2, 2, 0};
const std::vector<double> kMatrix = {2, 1, 0, 0, 1, 2, 1, 0, 3};

Tensor labels(const std::vector<std::int64_t>& v) {
  return from_vector(v);
}

// Logits [n, k] with the maximum of row i in column predicted[i].
Tensor logits_for(const std::vector<std::int64_t>& predicted, std::int64_t k) {
  std::vector<float> v;
  for (std::int64_t p : predicted) {
    for (std::int64_t j = 0; j < k; ++j) v.push_back(j == p ? 1.0f : 0.0f);
  }
  return from_vector(v, Shape{static_cast<std::int64_t>(predicted.size()), k});
}

TEST(ConfusionMatrixFn, RowsActualColumnsPredicted) {
  const Tensor cm = confusion_matrix(labels(kPredicted), labels(kActual), 3);
  EXPECT_EQ(cm.dtype(), DType::i64);
  EXPECT_EQ(cm.shape(), (Shape{3, 3}));
  EXPECT_EQ(values(cm), kMatrix);
  // Floating whole-number labels [n, 1] and a class that never occurs (3).
  const Tensor cm4 = confusion_matrix(from_vector(std::vector<double>{1, 1}, Shape{2, 1}),
                                      from_vector(std::vector<double>{0, 1}, Shape{2, 1}), 4);
  EXPECT_EQ(values(cm4), (std::vector<double>{0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
  // No samples: all zeros.
  EXPECT_EQ(values(confusion_matrix(labels({}), labels({}), 2)), (std::vector<double>(4, 0.0)));
}

TEST(ConfusionMatrixFn, Errors) {
  expect_error([] { confusion_matrix(labels({0}), labels({0}), 0); },
               {"confusion_matrix", "num_classes", "got 0"});
  expect_error([] { confusion_matrix(labels({0}), labels({0}), kMaxConfusionClasses + 1); },
               {"confusion_matrix", "num_classes", "4097"});
  expect_error(
      [] {
        confusion_matrix(labels({0, 3}), labels({0, 1}), 3);
      },
      {"confusion_matrix", "predicted label 3 at sample 1", "[0, 3)"});
  expect_error(
      [] {
        confusion_matrix(labels({0, 1}), labels({0, -2}), 3);
      },
      {"confusion_matrix", "actual label -2"});
  expect_error([] { confusion_matrix(tensor({0.5}), labels({0}), 3); },
               {"confusion_matrix", "predicted label 0.5"});
  expect_error(
      [] {
        confusion_matrix(labels({0, 1}), labels({0}), 3);
      },
      {"confusion_matrix", "[2]", "[1]", "different numbers of samples"});
  expect_error(
      [] {
        confusion_matrix(zeros({2, 3}), labels({0, 1}), 3);
      },
      {"confusion_matrix", "must be [n] or [n, 1]", "[2, 3]"});
}

TEST(FormatConfusionMatrix, AlignedTableWithRecall) {
  // recall: 3 / (3 + 1) = 0.750 and 2 / 2 = 1.000
  const Tensor cm = from_vector(std::vector<std::int64_t>{3, 1, 0, 2}, Shape{2, 2});
  EXPECT_EQ(format_confusion_matrix(cm, {"cat", "dog"}),
            "actual \\ predicted  cat  dog  recall\n"
            "cat                   3    1   0.750\n"
            "dog                   0    2   1.000\n");
  EXPECT_EQ(format_confusion_matrix(cm, {}, false),
            "actual \\ predicted  0  1\n"
            "0                   3  1\n"
            "1                   0  2\n");
}

TEST(FormatConfusionMatrix, ColumnsWidenToTheirEntriesAndNames) {
  // Column "a" is as wide as 120, column "bb" as its name; the empty row's
  // recall is "-"; 120 / 125 = 0.960.
  const Tensor cm = from_vector(std::vector<std::int64_t>{120, 5, 0, 0}, Shape{2, 2});
  EXPECT_EQ(format_confusion_matrix(cm, {"a", "bb"}),
            "actual \\ predicted    a  bb  recall\n"
            "a                   120   5   0.960\n"
            "bb                    0   0       -\n");
  // Long class names widen the label column and their own column.
  EXPECT_EQ(format_confusion_matrix(cm, {"T-shirt/top shirt", "Ankle boot in leather"}, false),
            "actual \\ predicted     T-shirt/top shirt  Ankle boot in leather\n"
            "T-shirt/top shirt                    120                      5\n"
            "Ankle boot in leather                  0                      0\n");
}

TEST(FormatConfusionMatrix, FloatingEntriesWithThreeDecimals) {
  // A row-normalized matrix: recall = diagonal / row sum = 0.5 / 1 and 0.75 / 1.
  const Tensor cm = tensor({{0.5, 0.5}, {0.25, 0.75}}, DType::f64);
  EXPECT_EQ(format_confusion_matrix(cm),
            "actual \\ predicted      0      1  recall\n"
            "0                   0.500  0.500   0.500\n"
            "1                   0.250  0.750   0.750\n");
}

TEST(FormatConfusionMatrix, Errors) {
  expect_error(
      [] {
        format_confusion_matrix(zeros({2, 3}, DType::i64));
      },
      {"format_confusion_matrix", "square", "[2, 3]"});
  expect_error([] { format_confusion_matrix(zeros({4}, DType::i64)); },
               {"format_confusion_matrix", "square", "[4]"});
  expect_error([] { format_confusion_matrix(Tensor()); }, {"format_confusion_matrix", "square"});
  expect_error(
      [] {
        format_confusion_matrix(zeros({2, 2}, DType::i64), {"a", "b", "c"});
      },
      {"format_confusion_matrix", "3 class names for 2 classes"});
}

TEST(ConfusionMatrixMetric, AccumulatesBatchesAndReportsAccuracy) {
  ConfusionMatrix metric;
  EXPECT_TRUE(std::isnan(metric.result()));
  EXPECT_EQ(metric.matrix().shape(), (Shape{0, 0}));
  // Batches of 4 and 6 samples give the matrix of the whole set.
  metric.update(logits_for({kPredicted.begin(), kPredicted.begin() + 4}, 3),
                labels({kActual.begin(), kActual.begin() + 4}));
  metric.update(logits_for({kPredicted.begin() + 4, kPredicted.end()}, 3),
                labels({kActual.begin() + 4, kActual.end()}));
  EXPECT_EQ(values(metric.matrix()), kMatrix);
  EXPECT_EQ(metric.num_classes(), 3);
  // trace = 2 + 1 + 3 = 6 of 10.
  EXPECT_DOUBLE_EQ(metric.result(), 0.6);
  EXPECT_EQ(metric.name(), "confusion_matrix");
  metric.reset();
  EXPECT_TRUE(std::isnan(metric.result()));
  EXPECT_EQ(values(metric.matrix()), std::vector<double>(9, 0.0));
}

TEST(ConfusionMatrixMetric, BinaryOutputsAndLabelOutputs) {
  // Probabilities > 0.5 against labels: (a, p) = (1, 1), (0, 1), (0, 0)
  //   → [[1, 1], [0, 1]]
  ConfusionMatrix binary;
  binary.update(tensor({0.9, 0.6, 0.2}), labels({1, 0, 0}));
  EXPECT_EQ(values(binary.matrix()), (std::vector<double>{1, 1, 0, 1}));
  // Logits with threshold 0: 0.4 > 0 is class 1 this time as well.
  ConfusionMatrix logits({.threshold = 0.0});
  logits.update(tensor({0.4, -1.0}), labels({1, 0}));
  EXPECT_EQ(values(logits.matrix()), (std::vector<double>{1, 0, 0, 1}));
  EXPECT_EQ(logits.clone()->name(), "confusion_matrix");

  // Predicted labels; the matrix grows as larger labels appear.
  ConfusionMatrix grow;
  grow.update(labels({0, 1}), labels({1, 1}));  // (1, 0), (1, 1)
  grow.update(labels({2}), labels({0}));        // (0, 2)
  EXPECT_EQ(values(grow.matrix()), (std::vector<double>{0, 0, 1, 1, 1, 0, 0, 0, 0}));
}

TEST(ConfusionMatrixMetric, Errors) {
  expect_error([] { ConfusionMatrix({.num_classes = -1}); }, {"ConfusionMatrix", "-1"});
  expect_error([] { ConfusionMatrix({.num_classes = 5000}); }, {"ConfusionMatrix", "5000"});
  ConfusionMatrix fixed({.num_classes = 4});
  expect_error([&] { fixed.update(logits_for({0}, 3), labels({0})); },
               {"ConfusionMatrix", "num_classes is 4", "3 classes"});
  ConfusionMatrix inferred;
  inferred.update(logits_for({0}, 3), labels({0}));
  expect_error([&] { inferred.update(logits_for({0}, 2), labels({0})); },
               {"ConfusionMatrix", "2 classes", "earlier batches had 3"});
  expect_error([&] { inferred.update(logits_for({0}, 3), labels({3})); },
               {"ConfusionMatrix", "actual label 3"});
  ConfusionMatrix many;
  expect_error([&] { many.update(labels({5000}), labels({0})); },
               {"ConfusionMatrix", "5001 classes", "4096"});
}

TEST(ClassificationReport, ScoresPerClassAndAverages) {
  const ClassificationReport r =
      classification_report(labels(kPredicted), labels(kActual), 3, {"cat", "dog", "bird"});
  // Per class (from the matrix above): precision 2/3, 1/2, 3/5; recall 2/3,
  // 1/3, 3/4; F1 = 2 tp / (predicted + actual) = 2/3, 2/5, 2/3.
  ASSERT_EQ(r.classes.size(), 3u);
  EXPECT_DOUBLE_EQ(r.classes[1].precision, 0.5);
  EXPECT_DOUBLE_EQ(r.classes[1].recall, 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(r.classes[1].f1, 0.4);
  EXPECT_DOUBLE_EQ(r.classes[2].precision, 0.6);
  EXPECT_DOUBLE_EQ(r.classes[2].recall, 0.75);
  EXPECT_EQ(r.support, (std::vector<std::int64_t>{3, 3, 4}));
  EXPECT_EQ(r.total, 10);
  EXPECT_DOUBLE_EQ(r.accuracy, 0.6);
  EXPECT_DOUBLE_EQ(r.macro.precision, 53.0 / 90.0);
  EXPECT_DOUBLE_EQ(r.macro.f1, 26.0 / 45.0);
  EXPECT_DOUBLE_EQ(r.micro.precision, 0.6);
  EXPECT_DOUBLE_EQ(r.weighted.precision, 0.59);
  EXPECT_DOUBLE_EQ(r.weighted.f1, 88.0 / 150.0);
}

TEST(ClassificationReport, PrintedAsScikitLearn) {
  const ClassificationReport r =
      classification_report(labels(kPredicted), labels(kActual), 3, {"cat", "dog", "bird"});
  // Rounded to 2 decimals: macro 53/90 = 0.589, 7/12 = 0.583, 26/45 = 0.578;
  // weighted 0.59, 0.6, 88/150 = 0.587.
  const std::string expected =
      "              precision    recall  f1-score   support\n"
      "\n"
      "         cat       0.67      0.67      0.67         3\n"
      "         dog       0.50      0.33      0.40         3\n"
      "        bird       0.60      0.75      0.67         4\n"
      "\n"
      "    accuracy                           0.60        10\n"
      "   macro avg       0.59      0.58      0.58        10\n"
      "weighted avg       0.59      0.60      0.59        10\n";
  EXPECT_EQ(r.to_string(), expected);
  std::ostringstream out;
  out << r;
  EXPECT_EQ(out.str(), expected);
  // 3 decimals and default names (the class indices).
  const ClassificationReport plain = classification_report(labels({0, 1}), labels({0, 0}), 2);
  // class 0: tp 1, predicted 1, actual 2 → 1.000, 0.500, F1 2/3; class 1:
  // predicted once, never actual → 0, 0, 0; macro (1 + 0)/2, (0.5 + 0)/2,
  // (2/3)/2; weighted by support 2 and 0 = class 0's scores.
  EXPECT_EQ(plain.to_string(3),
            "              precision    recall  f1-score   support\n"
            "\n"
            "           0      1.000     0.500     0.667         2\n"
            "           1      0.000     0.000     0.000         0\n"
            "\n"
            "    accuracy                          0.500         2\n"
            "   macro avg      0.500     0.250     0.333         2\n"
            "weighted avg      1.000     0.500     0.667         2\n");
}

TEST(ClassificationReport, MacroLeavesOutClassesThatNeverOccur) {
  // Class 2 is neither actual nor predicted: its row shows zeros and support
  // 0, and the macro mean is over classes 0 and 1 only, (1 + 1) / 2 = 1
  // (scikit-learn's default labels, those present in y_true or y_pred).
  const ClassificationReport r = classification_report(labels({0, 1}), labels({0, 1}), 3);
  EXPECT_EQ(r.classes[2].f1, 0.0);
  EXPECT_EQ(r.support[2], 0);
  EXPECT_EQ(r.macro.precision, 1.0);
  EXPECT_EQ(r.macro.recall, 1.0);
  EXPECT_EQ(r.macro.f1, 1.0);
}

TEST(ClassificationReport, Errors) {
  expect_error([] { classification_report(labels({0}), labels({0}), 0); },
               {"classification_report", "num_classes", "got 0"});
  expect_error([] { classification_report(labels({0}), labels({0}), 2, {"a"}); },
               {"classification_report", "1 class names for 2 classes"});
  expect_error(
      [] {
        classification_report(labels({0, 2}), labels({0, 1}), 2);
      },
      {"classification_report", "predicted label 2", "[0, 2)"});
  expect_error(
      [] {
        classification_report(labels({0, 1}), labels({0}), 2);
      },
      {"classification_report", "different numbers of samples"});
  const ClassificationReport r = classification_report(labels({0}), labels({0}), 1);
  expect_error([&] { r.to_string(16); }, {"ClassificationReport", "digits", "16"});
}

}  // namespace
}  // namespace nabla::metrics
