#include "nn/dropout.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <sstream>
#include <vector>

#include "autograd/elementwise.h"
#include "autograd/reduce.h"
#include "module_gradcheck.h"
#include "nn/linear.h"
#include "tensor/ops.h"
#include "test_util.h"

namespace nabla::nn {
namespace {

using testing::expect_error;
using testing::values;

constexpr std::int64_t kElements = 100000;

TEST(Dropout, KeepsAboutOneMinusPAndScalesByExactlyOneOverOneMinusP) {
  const double p = 0.3;
  Dropout drop({.p = p, .seed = 11});
  const std::vector<double> y = values(drop(ones({kElements}, DType::f64)).value());
  std::int64_t kept = 0;
  for (double v : y) {
    if (v == 0) continue;
    ++kept;
    ASSERT_EQ(v, 1 / (1 - p));  // 1 · m / (1 − p), computed in f64
  }
  // The kept count is Binomial(n, 1 − p): its fraction has standard error
  // σ = √(p (1 − p) / n) ≈ 0.00145; allow 5σ.
  const double fraction = static_cast<double>(kept) / kElements;
  const double sigma = std::sqrt(p * (1 - p) / kElements);
  EXPECT_NEAR(fraction, 1 - p, 5 * sigma);
}

TEST(Dropout, KeptValuesAreTheInputOverOneMinusP) {
  const double p = 0.6;
  Dropout drop({.p = p, .seed = 3});
  Generator gen(4);
  Tensor x = randn({1000}, gen, DType::f64);
  const std::vector<double> xs = values(x), y = values(drop(x).value());
  int kept = 0;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    if (y[i] == 0) continue;
    ++kept;
    EXPECT_DOUBLE_EQ(y[i], xs[i] / (1 - p)) << "element " << i;
  }
  EXPECT_GT(kept, 0);
}

TEST(Dropout, MeanOfTheOutputIsTheInput) {
  // y_i = 2 / (1 − p) with probability 1 − p, else 0: E[y] = 2, Var[y] = 4 p / (1 − p),
  // so the mean of n values has standard error 2 √(p / ((1 − p) n)).
  const double p = 0.5;
  Dropout drop({.p = p, .seed = 21});
  const double mean_y = mean(drop(full({kElements}, 2.0, DType::f64))).item<double>();
  EXPECT_NEAR(mean_y, 2.0, 5 * 2 * std::sqrt(p / ((1 - p) * kElements)));
}

TEST(Dropout, EvaluationReturnsTheInputItself) {
  Dropout drop({.p = 0.9});
  drop.eval();
  Variable x(tensor({1, -2, 3}), /*requires_grad=*/true);
  Variable y = drop(x);
  EXPECT_EQ(y.impl(), x.impl());
  EXPECT_EQ(values(y.value()), (std::vector<double>{1, -2, 3}));
}

TEST(Dropout, SameSeedSameMasksDifferentSeedsDiffer) {
  Dropout a({.p = 0.5, .seed = 7}), b({.p = 0.5, .seed = 7}), c({.p = 0.5, .seed = 8});
  Tensor x = ones({200});
  const std::vector<double> a1 = values(a(x).value()), a2 = values(a(x).value());
  EXPECT_EQ(values(b(x).value()), a1);
  EXPECT_EQ(values(b(x).value()), a2);  // the second masks agree too
  EXPECT_NE(a1, a2);                    // the stream advances between calls
  EXPECT_NE(values(c(x).value()), a1);
  ASSERT_NE(a.generator(), nullptr);
  a.generator()->seed(7);  // restart: the first mask again
  EXPECT_EQ(values(a(x).value()), a1);
}

TEST(Dropout, WithoutSeedDrawsFromTheDefaultGenerator) {
  Dropout drop({.p = 0.5});
  EXPECT_EQ(drop.generator(), nullptr);
  Tensor x = ones({200});
  manual_seed(99);
  const std::vector<double> first = values(drop(x).value());
  manual_seed(99);
  EXPECT_EQ(values(drop(x).value()), first);
}

TEST(Dropout, PZeroIsTheIdentityAndPOneGivesZeros) {
  Variable x(tensor({1, -2, 3}), /*requires_grad=*/true);
  Dropout keep_all({.p = 0.0});
  EXPECT_EQ(keep_all(x).impl(), x.impl());

  Dropout drop_all({.p = 1.0});
  Variable y = drop_all(x);
  EXPECT_EQ(values(y.value()), (std::vector<double>{0, 0, 0}));
  sum(y).backward();
  EXPECT_EQ(values(x.grad()), (std::vector<double>{0, 0, 0}));
}

TEST(Dropout, GradientIsTheMaskOverOneMinusP) {
  const double p = 0.25;
  Dropout drop({.p = p, .seed = 5});
  Generator gen(6);
  Variable x(randn({64}, gen, DType::f64), /*requires_grad=*/true);
  Tensor grad_out = randn({64}, gen, DType::f64);
  Variable y = drop(x);
  y.backward(grad_out);
  // y = x ⊙ m / (1 − p), so ∂L/∂x = grad_out ⊙ m / (1 − p), with m read off y.
  const std::vector<double> xs = values(x.value()), ys = values(y.value());
  const std::vector<double> g = values(grad_out), grad = values(x.grad());
  int dropped = 0;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const double scaled_mask = ys[i] == 0 ? 0.0 : 1 / (1 - p);
    dropped += ys[i] == 0;
    EXPECT_DOUBLE_EQ(grad[i], g[i] * scaled_mask) << "element " << i;
  }
  EXPECT_GT(dropped, 0);
  EXPECT_LT(dropped, 64);
}

TEST(Dropout, ModuleGradcheckWithAFixedMask) {
  Dropout drop({.p = 0.4, .seed = 1});
  Generator gen(2);
  EXPECT_MODULE_GRADCHECK(drop, randn({3, 4}, gen), {.reseed = [&] { drop.generator()->seed(1); }});
}

TEST(Dropout, Printing) {
  std::ostringstream out;
  out << Dropout({.p = 0.2});
  EXPECT_EQ(out.str(), "Dropout(p=0.2)");
  EXPECT_EQ(Dropout().extra_repr(), "p=0.5");
}

TEST(Dropout, ListsItsOwnGeneratorOnly) {
  Dropout seeded({.p = 0.5, .seed = 3});
  const auto generators = seeded.named_generators();
  ASSERT_EQ(generators.size(), 1u);
  EXPECT_EQ(generators[0].first, "");
  EXPECT_EQ(generators[0].second, seeded.generator());
  EXPECT_EQ(generators[0].second->initial_seed(), 3u);
  // Drawing from the default generator: nothing of its own to save.
  EXPECT_TRUE(Dropout({.p = 0.5}).named_generators().empty());
  // Through the Module interface, as a checkpoint walks a model.
  const Module& as_module = seeded;
  EXPECT_EQ(as_module.named_generators().size(), 1u);
  // A module that draws nothing at random lists nothing (Module's default).
  EXPECT_TRUE(Linear(2, 1).named_generators().empty());
}

TEST(Dropout, Errors) {
  expect_error([] { Dropout({.p = -0.1}); }, {"Dropout", "p must be in [0, 1]", "-0.1"});
  expect_error([] { Dropout({.p = 1.5}); }, {"Dropout", "1.5"});
  expect_error([] { Dropout({.p = std::numeric_limits<double>::quiet_NaN()}); },
               {"Dropout", "nan"});
  Dropout drop;
  expect_error([&] { drop(arange(4, DType::i64)); }, {"Dropout", "floating", "i64"});
}

}  // namespace
}  // namespace nabla::nn
