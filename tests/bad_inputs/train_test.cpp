// The catalogue of bad inputs, train layer: fit, evaluate and predict given
// data whose counts differ, batch sizes below one, negative epochs, a
// validation split outside [0, 1), empty sets, and models or losses that do
// not fit the data.
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>

#include "autograd/reduce.h"
#include "autograd/shape_ops.h"
#include "nn/linear.h"
#include "nn/loss.h"
#include "nn/sequential.h"
#include "optim/sgd.h"
#include "tensor/factory.h"
#include "test_util.h"
#include "train/fit.h"

namespace nabla::train {
namespace {

using testing::expect_error;

struct Training {
  nn::Linear model{2, 1};
  optim::SGD sgd{model.parameters()};
  data::Dataset data{zeros({6, 2}), zeros({6, 1})};
};

void fit_with(const FitOptions& options) {
  Training s;
  FitOptions quiet = options;
  quiet.verbose = 0;
  fit(s.model, nn::MSELoss{}, s.sgd, s.data, quiet);
}

TEST(BadInputs_Train, InputAndTargetCountsDiffer) {
  expect_error([] { data::Dataset(zeros({6, 2}), zeros({5, 1})); }, {"Dataset", "6 rows", "5"});
}

TEST(BadInputs_Train, BatchSizeZero) {
  expect_error([] { fit_with({.batch_size = 0}); }, {"fit", "batch_size", "0"});
  expect_error([] { fit_with({.batch_size = -4}); }, {"fit", "batch_size", "-4"});
}

TEST(BadInputs_Train, NegativeEpochs) {
  expect_error([] { fit_with({.epochs = -1}); }, {"fit", "epochs", "-1"});
  expect_error([] { fit_with({.epochs = 2, .initial_epoch = -3}); },
               {"fit", "initial_epoch", "-3"});
}

TEST(BadInputs_Train, ValidationSplitOutsideZeroOne) {
  expect_error([] { fit_with({.validation_split = -0.1}); }, {"fit", "validation_split", "-0.1"});
  expect_error([] { fit_with({.validation_split = 1.0}); }, {"fit", "validation_split", "1"});
  expect_error([] { fit_with({.validation_split = std::nan("")}); },
               {"fit", "validation_split", "nan"});
}

TEST(BadInputs_Train, ValidationSplitThatLeavesNoTrainingSamples) {
  // Keras's rounding: the training part is floor(6 · 0.1) = 0 samples. (0.1
  // of 6 leaves 1 sample for validation, as in Keras, and is no error.)
  expect_error([] { fit_with({.validation_split = 0.9}); },
               {"fit", "validation_split 0.9", "6 samples", "empty"});
}

TEST(BadInputs_Train, NegativeThreadCount) {
  expect_error([] { fit_with({.threads = -2}); }, {"fit", "threads", "-2"});
}

TEST(BadInputs_Train, EmptyTrainingSet) {
  Training s;
  const data::Dataset empty(zeros({0, 2}), zeros({0, 1}));
  expect_error([&] { fit(s.model, nn::MSELoss{}, s.sgd, empty, {.verbose = 0}); },
               {"fit", "training set is empty"});
}

TEST(BadInputs_Train, EmptyLossFunction) {
  Training s;
  expect_error([&] { fit(s.model, LossFunction{}, s.sgd, s.data, {.verbose = 0}); },
               {"fit", "loss function is empty"});
}

TEST(BadInputs_Train, LossThatIsNeitherAScalarNorPerSample) {
  // One value per sample ([6, 1]) is a loss fit averages; twice as many rows is not.
  Training s;
  const LossFunction doubled = [](const Variable& y, const Tensor& t) {
    const Variable per_sample = nn::mse_loss(y, t, nn::Reduction::none);
    return cat({per_sample, per_sample}, 0);
  };
  expect_error([&] { fit(s.model, doubled, s.sgd, s.data, {.verbose = 0}); },
               {"fit", "scalar or one value per sample [6, ...]", "[12, 1]"});
}

TEST(BadInputs_Train, TargetsOfAnotherShapeThanTheOutputs) {
  Training s;
  const data::Dataset flat(zeros({6, 2}), zeros({6}));
  expect_error([&] { fit(s.model, nn::MSELoss{}, s.sgd, flat, {.batch_size = 6, .verbose = 0}); },
               {"mse_loss", "[6]", "[6, 1]"});
}

TEST(BadInputs_Train, InputsOfAnotherWidthThanTheModel) {
  Training s;
  const data::Dataset wide(zeros({6, 3}), zeros({6, 1}));
  expect_error([&] { fit(s.model, nn::MSELoss{}, s.sgd, wide, {.verbose = 0}); },
               {"Linear", "2", "[6, 3]"});
}

TEST(BadInputs_Train, EvaluateAndPredictBatchSizeZero) {
  Training s;
  expect_error([&] { evaluate(s.model, nn::MSELoss{}, s.data, {.batch_size = 0}); },
               {"evaluate", "batch_size", "0"});
  expect_error([&] { predict(s.model, s.data, 0); }, {"predict", "batch_size", "0"});
}

TEST(BadInputs_Train, PredictOfInputsWithoutASampleDim) {
  Training s;
  expect_error([&] { predict(s.model, scalar_tensor(1.0)); }, {"predict", "shape []"});
}

TEST(BadInputs_Train, EvaluateOfAnEmptySet) {
  Training s;
  const data::Dataset empty(zeros({0, 2}), zeros({0, 1}));
  expect_error([&] { evaluate(s.model, nn::MSELoss{}, empty); }, {"evaluate", "empty"});
}

TEST(BadInputs_Train, UnknownMetricName) {
  expect_error([] { MetricSpec("acuracy"); }, {"acuracy", "accuracy"});
}

}  // namespace
}  // namespace nabla::train
