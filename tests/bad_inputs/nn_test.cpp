// The catalogue of bad inputs, nn layer: inputs of the wrong width, rank or
// dtype into layers, batch statistics over one value, class labels out of
// range, negative or given as floats, targets of another shape than the
// prediction, and layer options outside their domain.
#include <cmath>
#include <cstdint>
#include <vector>

#include "nn/batch_norm.h"
#include "nn/dropout.h"
#include "nn/flatten.h"
#include "nn/layer_norm.h"
#include "nn/linear.h"
#include "nn/loss.h"
#include "nn/sequential.h"
#include "tensor/factory.h"
#include "test_util.h"

namespace nabla::nn {
namespace {

using testing::expect_error;

Variable batch(const Shape& shape, DType dtype = DType::f32) {
  return Variable(zeros(shape, dtype));
}

Variable logits() {
  return Variable(zeros({3, 4}), true);
}

// ---- Linear -------------------------------------------------------------------

TEST(BadInputs_Nn, LinearInputOfTheWrongWidth) {
  Linear layer(784, 10);
  expect_error([&] { layer(batch({32, 78})); }, {"Linear", "784", "[32, 78]", "[784, 10]"});
}

TEST(BadInputs_Nn, LinearWrongWidthInsideASequentialNamesTheLayer) {
  Sequential model(Linear(4, 8), Linear(9, 2));
  expect_error(
      [&] {
        model(batch({2, 4}));
      },
      {"Linear", "9", "[2, 8]", "1 (Linear)", "Sequential"});
}

TEST(BadInputs_Nn, LinearRankZeroInput) {
  Linear layer(3, 2);
  expect_error([&] { layer(Variable(scalar_tensor(1.0))); }, {"Linear", "[]"});
}

TEST(BadInputs_Nn, LinearInputOfAnotherDtype) {
  Linear layer(3, 2);
  expect_error([&] { layer(batch({2, 3}, DType::f64)); }, {"Linear", "f64", "f32"});
}

TEST(BadInputs_Nn, LinearWithNoFeatures) {
  expect_error([] { Linear(0, 3); }, {"Linear", "in_features", "0"});
  expect_error([] { Linear(3, -1); }, {"Linear", "out_features", "-1"});
}

TEST(BadInputs_Nn, LinearOfAnIntegerDtype) {
  expect_error([] { Linear(3, 2, {.dtype = DType::i64}); }, {"Linear", "i64"});
}

TEST(BadInputs_Nn, LinearNegativeRegularizer) {
  expect_error([] { Linear(3, 2, {.weight_regularizer = {.l2 = -0.1}}); }, {"Linear", "-0.1"});
}

// ---- BatchNorm1d, LayerNorm ---------------------------------------------------

TEST(BadInputs_Nn, BatchNormTrainingBatchOfOne) {
  BatchNorm1d bn(4);
  expect_error([&] { bn(batch({1, 4})); }, {"BatchNorm1d", "more than one value", "[1, 4]"});
}

TEST(BadInputs_Nn, BatchNormWrongChannelCount) {
  BatchNorm1d bn(4);
  expect_error([&] { bn(batch({8, 5})); }, {"BatchNorm1d", "4", "[8, 5]"});
  expect_error([&] { bn(batch({8})); }, {"BatchNorm1d", "[8]"});
}

TEST(BadInputs_Nn, BatchNormMomentumOutsideZeroOne) {
  expect_error([] { BatchNorm1d(4, {.momentum = 1.5}); }, {"BatchNorm1d", "momentum", "1.5"});
  expect_error([] { BatchNorm1d(4, {.momentum = std::nan("")}); },
               {"BatchNorm1d", "momentum", "nan"});
}

TEST(BadInputs_Nn, BatchNormNegativeEps) {
  expect_error([] { BatchNorm1d(4, {.eps = -1e-5}); }, {"BatchNorm1d", "eps", "-1e-05"});
}

TEST(BadInputs_Nn, LayerNormTrailingShapeDiffers) {
  LayerNorm ln(4);
  expect_error([&] { ln(batch({2, 3})); }, {"LayerNorm", "[4]", "[2, 3]"});
}

TEST(BadInputs_Nn, LayerNormOfAZeroSize) {
  expect_error([] { LayerNorm(Shape{4, 0}); }, {"LayerNorm", "[4, 0]"});
}

// ---- Dropout, Flatten ---------------------------------------------------------

TEST(BadInputs_Nn, DropoutProbabilityOutsideZeroOne) {
  expect_error([] { Dropout({.p = -0.1}); }, {"Dropout", "[0, 1]", "-0.1"});
  expect_error([] { Dropout({.p = 1.5}); }, {"Dropout", "[0, 1]", "1.5"});
  expect_error([] { Dropout({.p = std::nan("")}); }, {"Dropout", "[0, 1]", "nan"});
}

TEST(BadInputs_Nn, DropoutOfAnIntegerInput) {
  Dropout drop({.p = 0.5, .seed = 1});
  expect_error([&] { drop(batch({2, 3}, DType::i64)); }, {"Dropout", "i64"});
}

TEST(BadInputs_Nn, FlattenDimsOutOfRange) {
  Flatten flatten({.start_dim = 3});
  expect_error([&] { flatten(batch({2, 3})); }, {"Flatten", "3", "[2, 3]"});
}

// ---- Losses -------------------------------------------------------------------

TEST(BadInputs_Nn, CrossEntropyLabelOutOfRange) {
  expect_error(
      [] {
        cross_entropy(logits(), from_vector<std::int64_t>({0, 4, 1}));
      },
      {"softmax_cross_entropy", "label 4", "position 1", "[0, 4)"});
}

TEST(BadInputs_Nn, CrossEntropyNegativeLabel) {
  expect_error(
      [] {
        cross_entropy(logits(), from_vector<std::int64_t>({0, 1, -1}));
      },
      {"softmax_cross_entropy", "label -1", "position 2"});
}

TEST(BadInputs_Nn, CrossEntropyLabelsAsFloats) {
  expect_error(
      [] {
        cross_entropy(logits(), from_vector<float>({0, 1, 2}));
      },
      {"softmax_cross_entropy", "f32 [3]", "i64", ".to(DType::i64)"});
}

TEST(BadInputs_Nn, CrossEntropyLabelCountDiffersFromTheBatch) {
  expect_error(
      [] {
        cross_entropy(logits(), from_vector<std::int64_t>({0, 1}));
      },
      {"softmax_cross_entropy", "[2]", "[3, 4]"});
}

TEST(BadInputs_Nn, CrossEntropyLabelSmoothingOutsideZeroOne) {
  expect_error(
      [] {
        cross_entropy(logits(), from_vector<std::int64_t>({0, 1, 2}), Reduction::mean, 1.5);
      },
      {"softmax_cross_entropy", "label_smoothing", "1.5"});
}

TEST(BadInputs_Nn, CrossEntropyLogitsOfRankOne) {
  expect_error([] { cross_entropy(Variable(zeros({4})), from_vector<std::int64_t>({0})); },
               {"softmax_cross_entropy", "[N, C]", "[4]"});
}

TEST(BadInputs_Nn, NllLossLabelOutOfRangeOrAsFloats) {
  expect_error(
      [] {
        nll_loss(logits(), from_vector<std::int64_t>({0, 1, 7}));
      },
      {"nll_loss", "label 7", "position 2", "[0, 4)"});
  expect_error([] { nll_loss(logits(), from_vector<float>({0, 1, 2})); }, {"nll_loss", "f32"});
}

TEST(BadInputs_Nn, ElementwiseLossTargetOfAnotherShape) {
  Variable prediction(zeros({4}), true);
  expect_error([&] { mse_loss(prediction, zeros({4, 1})); }, {"mse_loss", "[4, 1]", "[4]"});
  expect_error([&] { l1_loss(prediction, zeros({3})); }, {"l1_loss", "[3]", "[4]"});
}

TEST(BadInputs_Nn, ElementwiseLossOfIntegerTargets) {
  Variable prediction(zeros({2}), true);
  expect_error([&] { mse_loss(prediction, zeros({2}, DType::i64)); }, {"mse_loss", "i64"});
}

TEST(BadInputs_Nn, HuberLossDeltaNotPositive) {
  Variable prediction(zeros({2}), true);
  expect_error([&] { huber_loss(prediction, zeros({2}), 0.0); }, {"huber_loss", "delta", "0"});
}

TEST(BadInputs_Nn, BinaryCrossEntropyOfAProbabilityOutsideZeroOne) {
  Variable prediction(from_vector<float>({0.5f, 1.5f}), true);
  expect_error([&] { binary_cross_entropy(prediction, zeros({2})); },
               {"binary_cross_entropy", "probability 1.5", "position 1"});
}

// ---- Modules ------------------------------------------------------------------

TEST(BadInputs_Nn, SequentialIndexOutOfRange) {
  Sequential model(Linear(2, 2));
  expect_error([&] { (void)model[3]; }, {"Sequential", "index 3", "1"});
}

}  // namespace
}  // namespace nabla::nn
