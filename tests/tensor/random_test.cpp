// Tests of the random factories: reproducibility from a seed, independence
// from the thread count, distribution moments checked against their
// theoretical values with tolerances of several standard errors, and errors.
#include "tensor/random.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "tensor/factory.h"
#include "tensor/parallel.h"

#include "test_util.h"

namespace nabla {
namespace {


using testing::expect_error;

using ::testing::HasSubstr;

double mean_of(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}

double std_of(const std::vector<double>& v) {
  const double m = mean_of(v);
  double s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return std::sqrt(s / static_cast<double>(v.size() - 1));
}

TEST(Random, SameSeedGivesSameValues) {
  for (DType dt : {DType::f32, DType::f64}) {
    Generator a(123), b(123);
    EXPECT_EQ(rand({100}, a, dt).to_vector<double>(), rand({100}, b, dt).to_vector<double>());
    EXPECT_EQ(randn({101}, a, dt).to_vector<double>(), randn({101}, b, dt).to_vector<double>());
  }
  manual_seed(7);
  const std::vector<float> first = rand({50}).to_vector<float>();
  manual_seed(7);
  EXPECT_EQ(rand({50}).to_vector<float>(), first);
}

TEST(Random, DifferentSeedsAndSuccessiveDrawsDiffer) {
  Generator a(1), b(2);
  EXPECT_NE(rand({64}, a).to_vector<float>(), rand({64}, b).to_vector<float>());
  Generator g(5);
  EXPECT_NE(rand({64}, g).to_vector<float>(), rand({64}, g).to_vector<float>());
}

TEST(Random, RandIsInUnitInterval) {
  Generator g(11);
  for (DType dt : {DType::f32, DType::f64}) {
    const std::vector<double> v = rand({100000}, g, dt).to_vector<double>();
    EXPECT_GE(*std::min_element(v.begin(), v.end()), 0.0);
    EXPECT_LT(*std::max_element(v.begin(), v.end()), 1.0);
    // Uniform(0,1): mean 1/2, std 1/sqrt(12); standard error of the mean ~0.0009.
    EXPECT_NEAR(mean_of(v), 0.5, 0.005);
    EXPECT_NEAR(std_of(v), 1.0 / std::sqrt(12.0), 0.005);
  }
}

TEST(Random, RandnHasZeroMeanAndUnitStd) {
  Generator g(12);
  for (DType dt : {DType::f32, DType::f64}) {
    const std::vector<double> v = randn({100000}, g, dt).to_vector<double>();
    // Standard error of the mean is 1/sqrt(1e5) ~ 0.0032; of the std ~ 0.0022.
    EXPECT_NEAR(mean_of(v), 0.0, 0.02);
    EXPECT_NEAR(std_of(v), 1.0, 0.015);
    // About 4.55% of a normal sample lies beyond 2 sigma.
    const auto tails = std::count_if(v.begin(), v.end(), [](double x) { return std::abs(x) > 2; });
    EXPECT_NEAR(static_cast<double>(tails) / 1e5, 0.0455, 0.004);
  }
}

TEST(Random, OddLengthsAreFullyWritten) {
  // Each counter block yields 2 or 4 values; the tail of an odd length must still be drawn.
  Generator g(3);
  Tensor t = full({7}, 1000.0, DType::f64);
  normal_(t, 0.0, 1.0, g);
  for (double x : t.to_vector<double>()) EXPECT_LT(std::abs(x), 10.0);
  Tensor u = full({5}, 1000.0);
  uniform_(u, 0.0, 1.0, g);
  for (float x : u.to_vector<float>()) EXPECT_LT(x, 1.0f);
}

TEST(Random, BernoulliFractionIsP) {
  Generator g(13);
  for (double p : {0.0, 0.3, 1.0}) {
    const std::vector<double> v = bernoulli({100000}, p, g, DType::f64).to_vector<double>();
    for (double x : v) ASSERT_TRUE(x == 0.0 || x == 1.0);
    EXPECT_NEAR(mean_of(v), p, 0.01);
  }
  expect_error([] { bernoulli({2}, 1.5); }, {"bernoulli", "1.5"});
  expect_error([] { bernoulli({2}, -0.1); }, {"bernoulli", "-0.1"});
}

TEST(Random, RandintStaysInRangeAndCoversIt) {
  Generator g(14);
  Tensor t = randint(-3, 4, {10000}, g);
  EXPECT_EQ(t.dtype(), DType::i64);
  std::vector<int> counts(7, 0);
  for (std::int64_t x : t.to_vector<std::int64_t>()) {
    ASSERT_GE(x, -3);
    ASSERT_LT(x, 4);
    ++counts[static_cast<std::size_t>(x + 3)];
  }
  for (int c : counts) EXPECT_NEAR(c, 10000.0 / 7.0, 150.0);
  expect_error([&] { randint(5, 5, {2}, g); }, {"randint", "[5, 5)"});
}

TEST(Random, RandintFullWidthRangeDoesNotOverflow) {
  Generator g(15);
  const std::int64_t lo = std::numeric_limits<std::int64_t>::min();
  const std::int64_t hi = std::numeric_limits<std::int64_t>::max();
  const std::vector<std::int64_t> v = randint(lo, hi, {1000}, g).to_vector<std::int64_t>();
  // Half of the values should be negative.
  const auto neg = std::count_if(v.begin(), v.end(), [](std::int64_t x) { return x < 0; });
  EXPECT_NEAR(static_cast<double>(neg), 500.0, 80.0);
}

TEST(Random, RandpermIsAPermutation) {
  Generator g(16);
  std::vector<std::int64_t> v = randperm(1000, g).to_vector<std::int64_t>();
  std::vector<std::int64_t> sorted = v;
  std::sort(sorted.begin(), sorted.end());
  for (std::int64_t i = 0; i < 1000; ++i) ASSERT_EQ(sorted[static_cast<std::size_t>(i)], i);
  // Not the identity (probability 1/1000! of a false failure).
  EXPECT_FALSE(std::is_sorted(v.begin(), v.end()));
  EXPECT_EQ(randperm(0, g).numel(), 0);
  EXPECT_EQ(randperm(1, g).to_vector<std::int64_t>(), (std::vector<std::int64_t>{0}));
  expect_error([&] { randperm(-1, g); }, {"randperm", "-1"});
}

TEST(Random, ValuesDoNotDependOnThreadCount) {
  ThreadCountGuard guard;
  const Shape shape{100003};  // above kParallelGrain, odd to exercise the tail
  std::vector<std::vector<double>> draws;
  for (int threads : {1, 2}) {
    set_num_threads(threads);
    Generator g(99);
    std::vector<double> all = rand(shape, g).to_vector<double>();
    for (double x : randn(shape, g, DType::f64).to_vector<double>()) all.push_back(x);
    for (double x : bernoulli(shape, 0.5, g).to_vector<double>()) all.push_back(x);
    for (std::int64_t x : randint(0, 1000, shape, g).to_vector<std::int64_t>())
      all.push_back(static_cast<double>(x));
    draws.push_back(all);
  }
  EXPECT_EQ(draws[0], draws[1]);
}

TEST(Random, GeneratorOffsetRestoresADraw) {
  Generator g(42);
  rand({10}, g);
  const std::uint64_t saved = g.offset();
  const std::vector<float> first = randn({33}, g).to_vector<float>();
  EXPECT_GT(g.offset(), saved);
  g.set_offset(saved);
  EXPECT_EQ(randn({33}, g).to_vector<float>(), first);
  // A copy carries seed and offset.
  g.set_offset(saved);
  Generator copy = g;
  EXPECT_EQ(copy.initial_seed(), 42u);
  EXPECT_EQ(randn({33}, copy).to_vector<float>(), first);
  // seed() restarts the stream.
  g.seed(42);
  EXPECT_EQ(g.offset(), 0u);
}

TEST(Random, UniformAndNormalOnStridedView) {
  Generator g(17);
  Tensor base = full({4, 6}, -100.0, DType::f64);
  // Columns 1, 3 and 5 of every row.
  Tensor view = as_strided(base, Shape{4, 3}, Strides{6, 2}, 1);
  uniform_(view, 2.0, 3.0, g);
  const std::vector<double> b = base.to_vector<double>();
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (i % 2 == 1) {
      EXPECT_GE(b[i], 2.0);
      EXPECT_LT(b[i], 3.0);
    } else {
      EXPECT_EQ(b[i], -100.0) << "element " << i << " outside the view was written";
    }
  }
  Tensor big = zeros({2, 20000});
  Tensor col = as_strided(big, Shape{20000}, Strides{2}, 1);
  normal_(col, 5.0, 2.0, g);
  const std::vector<double> v = col.to_vector<double>();
  EXPECT_NEAR(mean_of(v), 5.0, 0.1);
  EXPECT_NEAR(std_of(v), 2.0, 0.1);
  EXPECT_EQ(as_strided(big, Shape{20000}, Strides{2}, 0).to_vector<double>(),
            std::vector<double>(20000, 0.0));
}

TEST(Random, InPlaceErrors) {
  Tensor i = zeros({3}, DType::i64);
  expect_error([&] { uniform_(i, 0, 1); }, {"uniform_", "i64"});
  expect_error([&] { normal_(i, 0, 1); }, {"normal_", "i64"});
  Tensor f = zeros({3});
  expect_error([&] { uniform_(f, 2, 1); }, {"uniform_", "low 2", "high 1"});
  expect_error([&] { normal_(f, 0, -1); }, {"normal_", "-1"});
  Tensor u;
  expect_error([&] { uniform_(u, 0, 1); }, {"uniform_", "undefined"});
  expect_error([&] { normal_(u, 0, 1); }, {"normal_", "undefined"});
}

TEST(Random, EmptyShapes) {
  EXPECT_EQ(rand({0, 3}).shape(), (Shape{0, 3}));
  EXPECT_EQ(randn({0}).numel(), 0);
  EXPECT_EQ(randint(0, 2, {0}).numel(), 0);
}

}  // namespace
}  // namespace nabla
