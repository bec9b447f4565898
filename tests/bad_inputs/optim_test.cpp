// The catalogue of bad inputs, optim layer: learning rates that are negative,
// NaN or infinite (at construction and through set_lr), decay rates outside
// their interval, negative weight decay, momentum, eps and clipping bounds,
// schedules that cannot run, and parameter lists no optimizer can update.
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "autograd/elementwise.h"
#include "optim/adadelta.h"
#include "optim/adagrad.h"
#include "optim/adam.h"
#include "optim/adamax.h"
#include "optim/clip.h"
#include "optim/ftrl.h"
#include "optim/lr_scheduler.h"
#include "optim/nadam.h"
#include "optim/reduce_lr_on_plateau.h"
#include "optim/rmsprop.h"
#include "optim/sgd.h"
#include "tensor/factory.h"
#include "test_util.h"

namespace nabla::optim {
namespace {

using testing::expect_error;

const double kNaN = std::nan("");
constexpr double kInf = std::numeric_limits<double>::infinity();

std::vector<Variable> params() {
  return {Variable(zeros({2, 2}), true)};
}

TEST(BadInputs_Optim, NegativeLearningRate) {
  expect_error([] { SGD(params(), {.lr = -0.1}); }, {"SGD", "lr", "-0.1", ">= 0"});
  expect_error([] { Adam(params(), {.lr = -1e-3}); }, {"Adam", "lr", "-0.001"});
  expect_error([] { RMSprop(params(), {.lr = -1}); }, {"RMSprop", "lr", "-1"});
}

TEST(BadInputs_Optim, NaNLearningRate) {
  expect_error([] { SGD(params(), {.lr = kNaN}); }, {"SGD", "lr", "nan", "finite"});
  expect_error([] { AdamW(params(), {.lr = kNaN}); }, {"AdamW", "lr", "nan"});
}

TEST(BadInputs_Optim, InfiniteLearningRate) {
  expect_error([] { Adam(params(), {.lr = kInf}); }, {"Adam", "lr", "inf", "finite"});
}

TEST(BadInputs_Optim, SetLrToABadValue) {
  SGD sgd(params());
  expect_error([&] { sgd.set_lr(-2); }, {"SGD", "learning rate", "-2"});
  expect_error([&] { sgd.set_lr(kNaN); }, {"SGD", "learning rate", "nan"});
}

TEST(BadInputs_Optim, FtrlLearningRateZero) {
  // FTRL divides by lr, so 0 is refused too (as Keras does).
  expect_error([] { FTRL(params(), {.lr = 0.0}); }, {"FTRL", "lr", "0", "> 0"});
}

TEST(BadInputs_Optim, BetaOfOneOrAbove) {
  expect_error([] { Adam(params(), {.betas = {1.0, 0.999}}); }, {"Adam", "beta1", "1", "[0, 1)"});
  expect_error([] { Adamax(params(), {.betas = {0.9, 1.5}}); }, {"Adamax", "beta2", "1.5"});
  expect_error([] { NAdam(params(), {.betas = {0.9, 1.0}}); }, {"NAdam", "beta2", "1"});
}

TEST(BadInputs_Optim, NegativeOrNaNBeta) {
  expect_error([] { Adam(params(), {.betas = {-0.1, 0.999}}); }, {"Adam", "beta1", "-0.1"});
  expect_error([] { AdamW(params(), {.betas = {0.9, kNaN}}); }, {"AdamW", "beta2", "nan"});
}

TEST(BadInputs_Optim, NegativeWeightDecay) {
  expect_error([] { SGD(params(), {.weight_decay = -1e-4}); }, {"SGD", "weight_decay", "-0.0001"});
  expect_error([] { Adam(params(), {.weight_decay = -1}); }, {"Adam", "weight_decay", "-1"});
  expect_error([] { Adagrad(params(), {.weight_decay = -1}); }, {"Adagrad", "weight_decay", "-1"});
}

TEST(BadInputs_Optim, NegativeMomentum) {
  expect_error([] { SGD(params(), {.momentum = -0.9}); }, {"SGD", "momentum", "-0.9"});
  expect_error([] { RMSprop(params(), {.momentum = -0.5}); }, {"RMSprop", "momentum", "-0.5"});
}

TEST(BadInputs_Optim, DampeningOutsideZeroOne) {
  expect_error([] { SGD(params(), {.momentum = 0.9, .dampening = 1.5}); },
               {"SGD", "dampening", "1.5", "[0, 1]"});
}

TEST(BadInputs_Optim, NesterovWithoutMomentum) {
  expect_error([] { SGD(params(), {.nesterov = true}); }, {"SGD", "esterov"});
}

TEST(BadInputs_Optim, NegativeEps) {
  // eps = 0 is allowed, as in PyTorch; below it the denominator can vanish.
  expect_error([] { Adam(params(), {.eps = -1e-8}); }, {"Adam", "eps", "-1e-08"});
  expect_error([] { Adadelta(params(), {.eps = -1}); }, {"Adadelta", "eps", "-1"});
}

TEST(BadInputs_Optim, DecayRateOutsideItsInterval) {
  expect_error([] { Adadelta(params(), {.rho = 1.1}); }, {"Adadelta", "rho", "1.1"});
  expect_error([] { RMSprop(params(), {.alpha = -0.99}); }, {"RMSprop", "alpha", "-0.99"});
  expect_error([] { FTRL(params(), {.lr_power = 0.5}); }, {"FTRL", "lr_power", "0.5"});
}

TEST(BadInputs_Optim, EmptyParameterList) {
  expect_error([] { SGD(std::vector<Variable>{}); }, {"Optimizer", "empty parameter list"});
}

TEST(BadInputs_Optim, ParameterListedTwice) {
  Variable w(zeros({2}), true);
  expect_error([&] { SGD({w, w}); }, {"Optimizer", "parameter"});
}

TEST(BadInputs_Optim, NonLeafOrUndefinedParameter) {
  Variable w(zeros({2}), true);
  expect_error([&] { SGD({Variable()}); }, {"Optimizer", "undefined"});
  expect_error([&] { SGD({mul(w, 2.0)}); }, {"Optimizer", "leaf"});
}

TEST(BadInputs_Optim, ClipGradNormBadBounds) {
  expect_error([] { clip_grad_norm_(params(), -1.0); }, {"clip_grad_norm_", "max_norm", "-1"});
  expect_error([] { clip_grad_norm_(params(), 1.0, 0.0); }, {"clip_grad_norm_", "norm_type", "0"});
  expect_error([] { clip_grad_value_(params(), kNaN); }, {"clip_grad_value_", "clip_value", "nan"});
}

TEST(BadInputs_Optim, ClipGradNormOfANonFiniteGradient) {
  std::vector<Variable> p = params();
  p[0].set_grad(full({2, 2}, kNaN));
  expect_error([&] { clip_grad_norm_(p, 1.0, 2.0, true); }, {"clip_grad_norm_", "nan"});
}

TEST(BadInputs_Optim, ScheduleThatCannotRun) {
  SGD sgd(params());
  expect_error([&] { StepLR(sgd, {.step_size = 0}); }, {"StepLR", "step_size", "0"});
  expect_error([&] { MultiStepLR(sgd, {.milestones = {3, 2}}); }, {"MultiStepLR", "2"});
  expect_error([&] { ExponentialLR(sgd, {.gamma = -0.5}); }, {"ExponentialLR", "gamma", "-0.5"});
}

TEST(BadInputs_Optim, PlateauFactorOfOneOrMore) {
  SGD sgd(params());
  expect_error([&] { ReduceLROnPlateau(sgd, {.factor = 1.0}); },
               {"ReduceLROnPlateau", "factor", "1"});
}

}  // namespace
}  // namespace nabla::optim
