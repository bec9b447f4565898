// Optimizer::load_state_dict accepts only values some run can produce, as the
// constructors and set_lr do: a finite learning rate >= 0, a step count in
// [0, INT64_MAX - 1], per-parameter counters in [0, step], finite reals. A
// rejected state changes nothing.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "optim/adagrad.h"
#include "optim/adam.h"
#include "optim/nadam.h"
#include "optim/rmsprop.h"
#include "optim/sgd.h"
#include "tensor/factory.h"
#include "test_util.h"

namespace nabla::optim {
namespace {

using nabla::testing::expect_error;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

Tensor i64(std::int64_t v) {
  return from_vector(std::vector<std::int64_t>{v}, Shape{});
}

// Two steps on one parameter, so that every piece of state exists.
template <class Opt, class Options>
std::unique_ptr<Opt> stepped(Variable& w, Options options) {
  auto opt = std::make_unique<Opt>(NamedParameters{{"w", w}}, options);
  for (int k = 0; k < 2; ++k) {
    w.set_grad(full({3}, 0.5 + k, DType::f64));
    opt->step();
  }
  return opt;
}

struct Change {
  std::string key;
  Tensor value;
  std::string says;
};

// Loads `state` with each change made and expects an error that says so,
// with the optimizer left as it was.
void expect_each_rejected(Optimizer& opt, const std::vector<Change>& changes) {
  const StateDict good = opt.state_dict();
  for (const Change& c : changes) {
    StateDict bad = good.clone();
    bad.insert_or_assign(c.key, c.value);
    expect_error([&] { opt.load_state_dict(bad); }, {"load_state_dict", opt.name(), c.says});
    EXPECT_EQ(opt.step_count(), 2) << c.key;
    EXPECT_EQ(opt.lr(), good.at("lr").item<double>()) << c.key;
  }
  opt.load_state_dict(good);  // the good state still loads
}

TEST(OptimizerState, LearningRatesAndStepCountsNoRunProducesAreRejected) {
  Variable w(full({3}, 1.0, DType::f64), true);
  auto adam = stepped<Adam>(w, AdamOptions{});
  expect_each_rejected(*adam, {
                                  {"lr", scalar_tensor(kNaN, DType::f64), "lr: nan"},
                                  {"lr", scalar_tensor(-1e-3, DType::f64), "lr: -0.001"},
                                  {"lr", scalar_tensor(kInf, DType::f64), "lr: inf"},
                                  {"step", i64(-1), "step: -1 is not a step count"},
                                  {"step", i64(kMax), "step: " + std::to_string(kMax)},
                                  // Adam would divide by 1 - beta^0 = 0.
                                  {"w.step", i64(-1), "w.step: -1"},
                                  {"w.step", i64(3), "w.step: 3"},
                              });
  Variable v(full({3}, 1.0, DType::f64), true);
  auto nadam = stepped<NAdam>(v, NAdamOptions{});
  expect_each_rejected(
      *nadam, {{"w.mu_product", scalar_tensor(kNaN, DType::f64), "w.mu_product: nan is not finite"},
               {"w.step", i64(kMax), "w.step"}});
  Variable u(full({3}, 1.0, DType::f64), true);
  auto adagrad = stepped<Adagrad>(u, AdagradOptions{});
  expect_each_rejected(*adagrad, {{"w.step", i64(-5), "w.step: -5"}});
  Variable r(full({3}, 1.0, DType::f64), true);
  auto rmsprop = stepped<RMSprop>(r, RMSpropOptions{});
  expect_each_rejected(*rmsprop, {{"lr", scalar_tensor(kInf, DType::f64), "lr: inf"}});
}

TEST(OptimizerState, NonFiniteOptionsAndLearningRatesAreRejected) {
  Variable w(full({3}, 1.0, DType::f64), true);
  expect_error([&] { Adam({w}, {.lr = kInf}); }, {"Adam", "invalid lr: inf", "finite"});
  expect_error([&] { Adam({w}, {.eps = kInf}); }, {"Adam", "invalid eps: inf"});
  expect_error([&] { SGD({w}, {.lr = kNaN}); }, {"SGD", "invalid lr: nan"});
  SGD sgd({w}, {.lr = 0.1});
  expect_error([&] { sgd.set_lr(kInf); }, {"SGD", "invalid learning rate: inf"});
  expect_error([&] { sgd.set_lr(kNaN); }, {"SGD", "invalid learning rate: nan"});
  EXPECT_EQ(sgd.lr(), 0.1);
}

// The largest step count a state may hold still allows one more step, and the
// counter then stops instead of overflowing.
TEST(OptimizerState, TheStepCountNeverOverflows) {
  Variable w(full({3}, 1.0, DType::f64), true);
  SGD sgd({w}, {.lr = 0.1});
  StateDict state = sgd.state_dict();
  state.insert_or_assign("step", i64(kMax - 1));
  sgd.load_state_dict(state);
  w.set_grad(full({3}, 1.0, DType::f64));
  sgd.step();
  EXPECT_EQ(sgd.step_count(), kMax);
  expect_error([&] { sgd.step(); }, {"SGD", "step count", "cannot advance"});
  EXPECT_EQ(sgd.step_count(), kMax);
}

// Messages stay short whatever a state dict holds.
TEST(OptimizerState, ManyUnexpectedKeysAreCounted) {
  Variable w(full({3}, 1.0, DType::f64), true);
  SGD sgd({w}, {.lr = 0.1});
  StateDict state = sgd.state_dict();
  for (int i = 0; i < 10'000; ++i) state.insert("extra" + std::to_string(i), zeros({1}));
  try {
    sgd.load_state_dict(state);
    ADD_FAILURE() << "expected an error";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_LT(message.size(), 4096u);
    EXPECT_NE(message.find("10000 problems"), std::string::npos);
    EXPECT_NE(message.find("... and 9980 more"), std::string::npos);
  }
}

}  // namespace
}  // namespace nabla::optim
