// Cross-validation and the searches over it. The scores of untrained models
// (epochs = 0, so each predicts a known constant) are worked out by hand from
// the folds; trained runs are checked for determinism across thread counts.
#include "train/cross_validate.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <vector>

#include "data/dataset.h"
#include "nn/init.h"
#include "nn/linear.h"
#include "nn/loss.h"
#include "nn/sequential.h"
#include "optim/sgd.h"
#include "tensor/elementwise.h"
#include "tensor/factory.h"
#include "tensor/random.h"
#include "tensor/reduce.h"
#include "test_util.h"
#include "train/search.h"

namespace nabla::train {
namespace {

using testing::expect_error;
using ::testing::HasSubstr;

// y = 0, 1, ..., 9 (inputs irrelevant).
data::Dataset counting_set() {
  std::vector<double> y(10);
  for (int i = 0; i < 10; ++i) y[i] = i;
  return data::Dataset(zeros({10, 1}, DType::f64), from_vector(y, {10, 1}));
}

// An untrained Linear(1, 1) predicting params["c"] everywhere.
TrialSetup constant_predictor(const Params& params, std::uint64_t) {
  auto model = std::make_shared<nn::Linear>(
      1, 1,
      nn::LinearOptions{.weight_initializer = nn::init::zeros(),
                        .bias_initializer = nn::init::constant(params.at("c")),
                        .dtype = DType::f64});
  auto sgd = std::make_shared<optim::SGD>(model->parameters(), optim::SGDOptions{.lr = 0.1});
  return {model, sgd, nn::MSELoss{}, {.epochs = 0}};
}

TEST(CrossValidate, ScoresEachHeldOutFoldByHand) {
  // 10 rows, k = 5, no shuffle: fold f holds rows 2f and 2f + 1. Predicting 4:
  // fold MSEs (16 + 9)/2, (4 + 1)/2, (0 + 1)/2, (4 + 9)/2, (16 + 25)/2.
  const CrossValidationResult cv =
      cross_validate(constant_predictor, {{"c", 4.0}}, counting_set(), {.k = 5, .shuffle = false});
  const std::vector<double> expected = {12.5, 2.5, 0.5, 6.5, 20.5};
  ASSERT_EQ(cv.scores.size(), 5u);
  for (std::size_t f = 0; f < 5; ++f) EXPECT_NEAR(cv.scores[f], expected[f], 1e-12) << f;
  EXPECT_NEAR(cv.mean, 42.5 / 5, 1e-12);
  double squares = 0;
  for (const double s : expected) squares += (s - 8.5) * (s - 8.5);
  EXPECT_NEAR(cv.std, std::sqrt(squares / 5), 1e-12);
  EXPECT_EQ(cv.epochs, (std::vector<std::int64_t>(5, 0)));
}

TEST(GridSearch, RanksByMeanScore) {
  // MSE of a constant c on 0..9 over all folds averages to the same as on
  // the whole set when folds are equal: 8.25 + (c − 4.5)².
  const SearchResult result = grid_search(constant_predictor, counting_set(),
                                          {{"c", {0.0, 4.0, 4.5, 9.0}}}, {.cv = {.k = 5}});
  ASSERT_EQ(result.trials.size(), 4u);
  EXPECT_FALSE(result.maximize);
  const double order[] = {4.5, 4.0, 0.0, 9.0};  // 0 and 9 tie; the earlier trial stays first
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(result.trials[i].params.at("c"), order[i]);
    EXPECT_EQ(result.trials[i].rank, static_cast<std::int64_t>(i + 1));
    const double c = order[i];
    EXPECT_NEAR(result.trials[i].cv.mean, 8.25 + (c - 4.5) * (c - 4.5), 1e-9);
  }
  std::ostringstream table;
  print_search_result(table, result);
  EXPECT_THAT(table.str(), HasSubstr("rank"));
  EXPECT_THAT(table.str(), HasSubstr("loss mean ± std"));
  EXPECT_THAT(table.str(), HasSubstr("8.2500 ± "));
}

TEST(GridSearch, EveryCombinationOnce) {
  std::vector<Params> seen;
  const auto factory = [&](const Params& p, std::uint64_t seed) {
    if (seed == 0) seen.push_back(p);  // fold 0 only
    return constant_predictor({{"c", p.at("a") + p.at("b")}}, seed);
  };
  const SearchResult result =
      grid_search(factory, counting_set(), {{"b", {10, 20, 30}}, {"a", {1, 2}}}, {.cv = {.k = 2}});
  EXPECT_EQ(result.trials.size(), 6u);
  // Odometer over the names in order (a, then b fastest).
  const std::vector<Params> expected = {{{"a", 1}, {"b", 10}}, {{"a", 1}, {"b", 20}},
                                        {{"a", 1}, {"b", 30}}, {{"a", 2}, {"b", 10}},
                                        {{"a", 2}, {"b", 20}}, {{"a", 2}, {"b", 30}}};
  EXPECT_EQ(seen, expected);
}

// A small trained regression whose every random choice comes from `seed`.
TrialSetup trained_regression(const Params& params, std::uint64_t seed) {
  auto gen = std::make_shared<Generator>(seed);
  auto model = std::make_shared<nn::Sequential>(
      nn::Linear(3, static_cast<std::int64_t>(params.at("hidden")),
                 {.activation = nn::Activation::tanh,
                  .weight_initializer = nn::init::glorot_uniform(1.0, gen.get()),
                  .dtype = DType::f64}),
      nn::Linear(
          static_cast<std::int64_t>(params.at("hidden")), 1,
          {.weight_initializer = nn::init::glorot_uniform(1.0, gen.get()), .dtype = DType::f64}));
  auto sgd =
      std::make_shared<optim::SGD>(model->parameters(), optim::SGDOptions{.lr = params.at("lr")});
  return {model, sgd, nn::MSELoss{}, {.epochs = 5, .batch_size = 8, .seed = seed}};
}

data::Dataset regression_set() {
  Generator gen(17);
  const Tensor x = randn({40, 3}, gen, DType::f64);
  return data::Dataset(x, sum(x * x, {1}, true));
}

TEST(RandomSearch, SameResultOnOneOrFourThreadsAndPerSeed) {
  const std::map<std::string, Distribution> space = {{"lr", Distribution::log_uniform(1e-3, 1e-1)},
                                                     {"hidden", Distribution::choice({4, 8})}};
  const auto run = [&](int threads, std::uint64_t seed) {
    return random_search(trained_regression, regression_set(), space,
                         {.n_trials = 3, .seed = seed, .cv = {.k = 3, .threads = threads}});
  };
  const SearchResult one = run(1, 5);
  const SearchResult four = run(4, 5);
  ASSERT_EQ(one.trials.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(one.trials[i].params, four.trials[i].params);
    EXPECT_EQ(one.trials[i].cv.scores, four.trials[i].cv.scores);  // bit for bit
    const double lr = one.trials[i].params.at("lr");
    EXPECT_GE(lr, 1e-3);
    EXPECT_LT(lr, 1e-1);
  }
  const SearchResult other = run(1, 6);
  EXPECT_NE(one.trials[0].params, other.trials[0].params);
}

TEST(CrossValidate, EarlyStoppingPerFold) {
  // lr 10 diverges at once: validation loss never improves after epoch 0.
  const CrossValidationResult cv = cross_validate(trained_regression, {{"hidden", 4}, {"lr", 10.0}},
                                                  regression_set(), {.k = 2, .patience = 1});
  for (const std::int64_t e : cv.epochs) EXPECT_LT(e, 5);
}

TEST(Distribution, LogUniformGivesEachDecadeItsShare) {
  Generator gen(1);
  const Distribution d = Distribution::log_uniform(1e-4, 1e-1);
  int decades[3] = {0, 0, 0};
  for (int i = 0; i < 3000; ++i) {
    const double v = d.sample(gen);
    ASSERT_GE(v, 1e-4);
    ASSERT_LT(v, 1e-1);
    ++decades[std::min(2, static_cast<int>(std::floor(std::log10(v) + 4)))];
  }
  for (const int count : decades) EXPECT_NEAR(count, 1000, 100);
  const Distribution ints = Distribution::int_uniform(2, 4);
  for (int i = 0; i < 100; ++i) {
    const double v = ints.sample(gen);
    EXPECT_TRUE(v == 2 || v == 3 || v == 4) << v;
  }
}

TEST(Search, Errors) {
  expect_error([] { Distribution::choice({}); }, {"Distribution::choice", "empty"});
  expect_error([] { Distribution::log_uniform(0, 1); }, {"Distribution::log_uniform", "0"});
  expect_error([] { Distribution::uniform(2, 1); }, {"Distribution::uniform", "2", "1"});
  expect_error([] { Distribution::int_uniform(3, 1); }, {"Distribution::int_uniform", "3"});
  const data::Dataset set = counting_set();
  expect_error([&] { grid_search(constant_predictor, set, {}); }, {"grid_search", "empty"});
  expect_error([&] { grid_search(constant_predictor, set, {{"c", {}}}); }, {"grid_search", "'c'"});
  expect_error(
      [&] {
        random_search(constant_predictor, set, {{"c", Distribution::choice({1})}}, {.n_trials = 0});
      },
      {"random_search", "n_trials", "0"});
  expect_error(
      [&] {
        cross_validate(constant_predictor, {{"c", 1}}, set, {.threads = 0});
      },
      {"cross_validate", "threads", "0"});
  expect_error(
      [&] {
        cross_validate(constant_predictor, {{"c", 1}}, set, {.patience = -1});
      },
      {"cross_validate", "patience", "-1"});
  expect_error([&] { cross_validate(constant_predictor, {{"c", 1}}, set, {.k = 11}); }, "k_fold");
  expect_error(
      [&] {
        cross_validate(constant_predictor, {{"c", 1}}, set, {.metric = "nope"});
      },
      "nope");
  expect_error(
      [&] {
        cross_validate([](const Params&, std::uint64_t) { return TrialSetup{}; }, {{"c", 1}}, set);
      },
      {"cross_validate", "factory"});
  // A failure inside a fold on a worker thread reaches the caller.
  expect_error(
      [&] {
        cross_validate(
            [](const Params& p, std::uint64_t seed) {
              TrialSetup s = constant_predictor(p, seed);
              s.fit.epochs = -1;
              return s;
            },
            {{"c", 1}}, set, {.threads = 3});
      },
      {"fit", "epochs"});
}

}  // namespace
}  // namespace nabla::train
