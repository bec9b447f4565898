// Curriculum experiment 12: evaluating a binary classifier.
//
// A logistic-regression classifier (one linear unit, sigmoid output, binary
// cross-entropy) on the Breast Cancer Wisconsin data when Debian's
// python3-sklearn has installed it (--data-dir overrides the directory), on
// two overlapping Gaussian blobs with 20% positives otherwise. On the test
// set: the threshold sweep — confusion matrix, precision, recall, F1 and
// accuracy at each threshold — the ROC curve with its AUC, and the effect of
// class weights (fit's class_weight) on the recall of the rarer class.
//
// Lowering the threshold trades precision for recall; the ROC curve is that
// trade-off for every threshold at once, and its area is the probability that
// a random positive scores above a random negative.
//
// Usage: 12_evaluation [--epochs N] [--data-dir DIR] [--out DIR]
// Exits 1 when recall rises with the threshold, the AUC differs from the
// pairwise count by more than 1e-12, a confusion matrix does not add up to
// the test set, or the AUC is below 0.9.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <string>

#include "curriculum.h"
#include "nabla.h"

using namespace nabla;

namespace {

struct Problem {
  std::string name;
  data::Dataset data;  // labels 1 = the positive class
  std::string positive;
};

Problem load(const std::filesystem::path& dir) {
  if (data::datasets::classic_dataset_available("breast_cancer.csv", dir)) {
    data::datasets::ClassicDataset cancer = data::datasets::load_breast_cancer(dir);
    // The file labels malignant 0 and benign 1; the positive class of a
    // screening test is malignant.
    const Tensor malignant = eq(cancer.data.targets(), 0.0).to(DType::i64);
    return {"Breast Cancer Wisconsin (" + (dir / "breast_cancer.csv").string() + ")",
            cancer.data.with_targets(malignant), "malignant"};
  }
  // 400 negatives around (0, 0), 100 positives around (1.5, 1.5).
  const data::Dataset a =
      data::datasets::blobs({.n_per_class = 400, .centers = {{0, 0}}, .seed = 1});
  const data::Dataset b =
      data::datasets::blobs({.n_per_class = 100, .centers = {{1.5, 1.5}}, .seed = 2});
  return {"two Gaussian blobs, 20% positives (python3-sklearn's breast_cancer.csv not found)",
          data::Dataset(cat({a.inputs(), b.inputs()}, 0),
                        cat({zeros({400}, DType::i64), ones({100}, DType::i64)}, 0)),
          "class 1"};
}

struct Counts {
  std::int64_t tp = 0, fp = 0, fn = 0, tn = 0;
  double precision() const { return tp + fp == 0 ? 1.0 : double(tp) / double(tp + fp); }
  double recall() const { return tp + fn == 0 ? 0.0 : double(tp) / double(tp + fn); }
  double f1() const {
    const double p = precision(), r = recall();
    return p + r == 0 ? 0.0 : 2 * p * r / (p + r);
  }
  double accuracy() const { return double(tp + tn) / double(tp + fp + fn + tn); }
};

Counts counts_at(const Tensor& probabilities, const Tensor& labels, double threshold) {
  const Tensor predicted = ge(probabilities, threshold).to(DType::i64);
  // metrics::confusion_matrix: rows actual, columns predicted.
  const std::vector<std::int64_t> cm =
      metrics::confusion_matrix(predicted, labels, 2).to_vector<std::int64_t>();
  return {.tp = cm[3], .fp = cm[1], .fn = cm[2], .tn = cm[0]};
}

// The AUC by its definition: the share of (positive, negative) pairs ordered
// correctly, ties counting one half.
double pairwise_auc(const std::vector<double>& s, const std::vector<std::int64_t>& y) {
  double good = 0, pairs = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (y[i] != 1) continue;
    for (std::size_t j = 0; j < s.size(); ++j) {
      if (y[j] != 0) continue;
      good += s[i] > s[j] ? 1.0 : (s[i] == s[j] ? 0.5 : 0.0);
      pairs += 1;
    }
  }
  return good / pairs;
}

// Trains logistic regression; returns the test probabilities.
Tensor train_and_score(const data::Dataset& train_set,
                       const data::Dataset& test_set,
                       std::int64_t epochs,
                       const std::vector<double>& class_weight) {
  nn::Linear unit(train_set.num_features(), 1, {.weight_initializer = nn::init::zeros()});
  optim::SGD sgd(unit.parameters(), {.lr = 0.1, .momentum = 0.9});
  const Tensor float_targets = reshape(train_set.targets().to(DType::f32), {-1, 1});
  if (class_weight.empty()) {
    train::fit(unit, nn::BCEWithLogitsLoss{}, sgd, train_set.with_targets(float_targets),
               {.epochs = epochs, .batch_size = 32, .seed = 1, .verbose = 0});
  } else {
    // class_weight needs the labels as targets; the loss reads them as floats.
    train::fit(unit,
               [](const Variable& z, const Tensor& labels) {
                 return nn::binary_cross_entropy_with_logits(
                     z, reshape(labels.to(DType::f32), {-1, 1}), nn::Reduction::none);
               },
               sgd, train_set,
               {.epochs = epochs,
                .batch_size = 32,
                .seed = 1,
                .verbose = 0,
                .class_weight = class_weight});
  }
  return reshape(sigmoid(train::predict(unit, test_set)), {-1});
}

}  // namespace

int main(int argc, char** argv) {
  const auto start = std::chrono::steady_clock::now();
  curriculum::Args args(argc, argv,
                        "A binary classifier's threshold sweep: confusion matrix, precision, "
                        "recall, F1, ROC and AUC.");
  const auto epochs = args.get_int("epochs", 30, "training epochs");
  const std::filesystem::path dir = args.get_string("data-dir", data::datasets::kSklearnDataDir,
                                                    "where scikit-learn's data files are");
  const std::filesystem::path out =
      args.get_string("out", "runs/12_evaluation", "directory of the plots");
  args.finish();
  std::filesystem::create_directories(out);

  const Problem problem = load(dir);
  data::TrainTestSplit split =
      data::train_test_split(problem.data, 0.3, {.seed = 3, .stratify = true});
  data::StandardScaler scaler;
  const data::Dataset train_set = scaler.fit_transform(split.train);
  const data::Dataset test_set = scaler.transform(split.test);
  const Tensor labels = test_set.targets();
  const std::vector<std::int64_t> y = labels.to_vector<std::int64_t>();
  std::int64_t positives = 0;
  for (const std::int64_t v : y) positives += v;

  const Tensor p = train_and_score(train_set, test_set, epochs, {});
  std::printf("%s: %lld training and %lld test samples (%lld positive: %s)\n", problem.name.c_str(),
              static_cast<long long>(train_set.size()), static_cast<long long>(test_set.size()),
              static_cast<long long>(positives), problem.positive.c_str());
  std::printf("Logistic regression, SGD momentum 0.9, %lld epochs\n\n",
              static_cast<long long>(epochs));

  bool ok = true;
  std::printf("%9s %5s %5s %5s %5s %10s %8s %8s %9s\n", "threshold", "TP", "FP", "FN", "TN",
              "precision", "recall", "F1", "accuracy");
  std::vector<double> thresholds, precision, recall, f1;
  double last_recall = 2.0;
  for (int i = 1; i <= 9; ++i) {
    const double t = 0.1 * i;
    const Counts c = counts_at(p, labels, t);
    std::printf("%9.1f %5lld %5lld %5lld %5lld %10.3f %8.3f %8.3f %9.3f\n", t,
                static_cast<long long>(c.tp), static_cast<long long>(c.fp),
                static_cast<long long>(c.fn), static_cast<long long>(c.tn), c.precision(),
                c.recall(), c.f1(), c.accuracy());
    if (c.tp + c.fp + c.fn + c.tn != test_set.size() || c.recall() > last_recall) ok = false;
    last_recall = c.recall();
    thresholds.push_back(t);
    precision.push_back(c.precision());
    recall.push_back(c.recall());
    f1.push_back(c.f1());
  }
  const Counts at_half = counts_at(p, labels, 0.5);
  std::cout << "\nConfusion matrix at 0.5 (rows: actual, columns: predicted):\n"
            << metrics::format_confusion_matrix(
                   metrics::confusion_matrix(ge(p, 0.5).to(DType::i64), labels, 2),
                   {"negative", problem.positive});

  const metrics::RocCurve roc = metrics::roc_curve(p, labels);
  const double auc = metrics::roc_auc(p, labels);
  const double by_pairs = pairwise_auc(p.to(DType::f64).to_vector<double>(), y);
  std::printf("\nROC AUC %.6f (trapezoids over %zu points); by counting ordered pairs %.6f\n", auc,
              roc.fpr.size(), by_pairs);

  // Class weights: each class weighted by n / (2 · its count), as
  // scikit-learn's "balanced".
  std::int64_t train_positives = 0;
  for (const std::int64_t v : train_set.targets().to_vector<std::int64_t>()) train_positives += v;
  const double n = static_cast<double>(train_set.size());
  const std::vector<double> balanced = {n / (2 * (n - static_cast<double>(train_positives))),
                                        n / (2 * static_cast<double>(train_positives))};
  const Counts weighted =
      counts_at(train_and_score(train_set, test_set, epochs, balanced), labels, 0.5);
  std::printf("\nAt threshold 0.5: %-30s precision %.3f recall %.3f F1 %.3f\n", "unweighted",
              at_half.precision(), at_half.recall(), at_half.f1());
  std::printf("At threshold 0.5: %-30s precision %.3f recall %.3f F1 %.3f\n",
              ("class_weight {" + std::to_string(balanced[0]).substr(0, 4) + ", " +
               std::to_string(balanced[1]).substr(0, 4) + "}")
                  .c_str(),
              weighted.precision(), weighted.recall(), weighted.f1());

  plot::plot_roc_curve(roc, auc, out / "roc.png",
                       {.name = "logistic regression", .thresholds = {0.3, 0.5, 0.7}});
  using plot::Style;
  plot::plot_curves({{.title = "Precision, recall and F1 against the threshold",
                      .x_label = "threshold",
                      .legend = plot::Legend::bottom_left,
                      .curves = {{"precision", thresholds, precision, Style::line_points},
                                 {"recall", thresholds, recall, Style::line_points},
                                 {"F1", thresholds, f1, Style::line_points}}}},
                    out / "threshold_sweep.png");

  if (!ok) std::printf("FAILED: recall rose with the threshold or a matrix does not add up\n");
  if (std::abs(auc - by_pairs) > 1e-12) {
    std::printf("FAILED: the AUC differs from the pairwise count\n");
    ok = false;
  }
  if (!(auc >= 0.9)) {
    std::printf("FAILED: AUC %.3f is below 0.9\n", auc);
    ok = false;
  }
  if (!(weighted.recall() >= at_half.recall())) {
    std::printf("FAILED: class weights did not raise the recall of the rarer class\n");
    ok = false;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("\nPlots: %s/roc.png, threshold_sweep.png (%.1f s)\n", out.string().c_str(), seconds);
  return ok ? 0 : 1;
}
