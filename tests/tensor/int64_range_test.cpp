// Conversions of floating values to i64 and i64 arithmetic at the ends of the
// range: a value that does not fit (NaN, an infinity, beyond +-2^63) is an
// error where PyTorch raises, i64 + such a scalar computes in f32 as
// PyTorch's does, and sums wrap modulo 2^64 as PyTorch's do, all without the
// undefined behaviour of an out-of-range cast or a signed overflow.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "tensor/dtype.h"
#include "tensor/elementwise.h"
#include "tensor/factory.h"
#include "tensor/reduce.h"
#include "test_util.h"

namespace nabla {
namespace {

using testing::expect_error;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();

TEST(Int64Range, FitsInt64IsTheHalfOpenRangeOfTwoToThe63) {
  EXPECT_TRUE(fits_int64(0.0));
  EXPECT_TRUE(fits_int64(-0x1p63));
  EXPECT_FALSE(fits_int64(0x1p63));
  EXPECT_TRUE(fits_int64(std::nextafter(0x1p63, 0.0)));
  EXPECT_FALSE(fits_int64(std::nextafter(-0x1p63, -kInf)));
  EXPECT_FALSE(fits_int64(kNaN));
  EXPECT_FALSE(fits_int64(kInf));
  EXPECT_FALSE(fits_int64(-kInf));
}

TEST(Int64Range, FullAndFillRejectValuesOutsideInt64) {
  for (double v : {kNaN, kInf, -kInf, 1e300, 0x1p63}) {
    expect_error([&] { full({2}, v, DType::i64); }, {"full", "cannot be converted to i64"});
    Tensor t = zeros({2}, DType::i64);
    expect_error([&] { t.fill_(v); }, {"fill_", "cannot be converted to i64"});
    EXPECT_EQ(t.to_vector<std::int64_t>(), (std::vector<std::int64_t>{0, 0}));
  }
  EXPECT_EQ(full({1}, -0x1p63, DType::i64).item<std::int64_t>(), kMin);
  // Floating tensors hold them as they are.
  EXPECT_TRUE(std::isnan(full({1}, kNaN, DType::f64).item<double>()));
}

TEST(Int64Range, RangesRejectValuesOutsideInt64) {
  expect_error([] { linspace(0, 1e300, 3, DType::i64); }, {"linspace", "i64"});
  expect_error([] { linspace(kNaN, 1, 3); }, {"linspace", "finite"});
  expect_error([] { linspace(0, kInf, 3, DType::f64); }, {"linspace", "finite"});
  EXPECT_EQ(linspace(0, 10, 5, DType::i64).to_vector<std::int64_t>(),
            (std::vector<std::int64_t>{0, 2, 5, 7, 10}));
  expect_error([] { arange(1e300, 1e300 + 1e290, 1e289, DType::i64); }, {"arange", "i64"});
  expect_error([] { arange(0, 1.2e19, 1e19, DType::i64); }, {"arange", "i64"});
  EXPECT_EQ(arange(0, 9e18, 3e18, DType::i64).to_vector<std::int64_t>(),
            (std::vector<std::int64_t>{0, 3'000'000'000'000'000'000, 6'000'000'000'000'000'000}));
}

TEST(Int64Range, ConversionsToInt64RejectValuesOutsideIt) {
  const Tensor x = from_vector<double>({1.5, kNaN, -2}, Shape{3});
  expect_error([&] { x.to(DType::i64); }, {"to", "nan", "position 1", "i64"});
  expect_error([&] { from_vector<float>({1e30f}, Shape{1}).to(DType::i64); },
               {"to", "position 0", "i64"});
  expect_error([&] { x.to_vector<std::int64_t>(); }, {"copy_", "nan"});
  Tensor dst = zeros({3}, DType::i64);
  expect_error([&] { dst.copy_(x); }, {"copy_", "nan"});
  EXPECT_EQ(from_vector<double>({1.5, -2.5}, Shape{2}).to(DType::i64).to_vector<std::int64_t>(),
            (std::vector<std::int64_t>{1, -2}));
  expect_error([] { scalar_tensor(kNaN).item<std::int64_t>(); }, {"item", "nan"});
  expect_error([] { scalar_tensor(1e10, DType::f64).item<int>(); }, {"item", "32-bit"});
  EXPECT_EQ(scalar_tensor(-3.7, DType::f64).item<int>(), -3);
}

// A scalar beyond int64 makes an i64 op compute in f32, like a fractional one
// (PyTorch: torch.tensor([1]) + 1e300 is tensor([inf])).
TEST(Int64Range, ScalarsOutsideInt64PromoteToF32) {
  const Tensor x = from_vector<std::int64_t>({1, -1}, Shape{2});
  const Tensor y = add(x, 1e300);
  EXPECT_EQ(y.dtype(), DType::f32);
  const float inf = std::numeric_limits<float>::infinity();
  EXPECT_EQ(y.to_vector<float>(), (std::vector<float>{inf, inf}));
  EXPECT_EQ(mul(x, 1e19).to_vector<float>(), (std::vector<float>{1e19f, -1e19f}));
  const Tensor c = lt(x, 1e19);
  EXPECT_EQ(c.to_vector<float>(), (std::vector<float>{1, 1}));
  // A huge integral clamp bound is no bound: i64 stays i64.
  EXPECT_EQ(clamp(x, -1e300, 1e300).dtype(), DType::i64);
  EXPECT_EQ(add(x, 2.0).dtype(), DType::i64);
}

// i64 sums and products wrap modulo 2^64, as PyTorch's do.
TEST(Int64Range, SumsWrapModuloTwoToThe64) {
  const Tensor x = from_vector<std::int64_t>({kMax, 1, kMax, 2}, Shape{2, 2});
  EXPECT_EQ(sum(x).item<std::int64_t>(), 1);  // 2 kMax + 3 = 2^64 + 1
  EXPECT_EQ(sum(x, {1}).to_vector<std::int64_t>(), (std::vector<std::int64_t>{kMin, kMin + 1}));
  EXPECT_EQ(sum(x, {0}).to_vector<std::int64_t>(), (std::vector<std::int64_t>{-2, 3}));
  EXPECT_EQ(prod(from_vector<std::int64_t>({kMax, 2}, Shape{2})).item<std::int64_t>(), -2);
  std::vector<std::int64_t> many(100'000, kMax);
  // 100000 kMax = 100000 (2^63 - 1) = 50000 * 2^64 - 100000 = -100000 mod 2^64.
  EXPECT_EQ(sum(from_vector(many, Shape{100'000})).item<std::int64_t>(), -100'000);
}

// Elementwise i64 arithmetic wraps too, out of place and in place (signed
// overflow in C++ is undefined; UBSan reports it if a kernel forgets).
TEST(Int64Range, ArithmeticWrapsModuloTwoToThe64InPlaceAndOutOfPlace) {
  const auto one = [](std::int64_t v) { return from_vector<std::int64_t>({v}, Shape{1}); };
  const auto value = [](const Tensor& t) { return t.item<std::int64_t>(); };
  EXPECT_EQ(value(add(one(kMax), one(1))), kMin);
  EXPECT_EQ(value(sub(one(kMin), one(1))), kMax);
  EXPECT_EQ(value(mul(one(kMax), one(2))), -2);
  EXPECT_EQ(value(neg(one(kMin))), kMin);
  Tensor t = one(kMax);
  EXPECT_EQ(value(t.add_(one(1))), kMin);
  EXPECT_EQ(value(t.sub_(one(1))), kMax);
  EXPECT_EQ(value(t.add_(one(1), 2.0)), kMin + 1);  // kMax + 2 = 2^63 + 1 = -2^63 + 1 mod 2^64
  t = one(kMax);
  EXPECT_EQ(value(t.add_(1.0)), kMin);
  EXPECT_EQ(value(t.sub_(1.0)), kMax);
  EXPECT_EQ(value(t.mul_(2.0)), -2);
  EXPECT_EQ(value(t.mul_(one(kMax))), 2);  // -2 (2^63 - 1) = -2^64 + 2 = 2 mod 2^64
  t = one(kMin);
  EXPECT_EQ(value(t.neg_()), kMin);
  EXPECT_EQ(value(t.addcmul_(one(kMax), one(2), 1.0)), kMax - 1);  // -2^63 - 2 = 2^63 - 2 mod 2^64
}

}  // namespace
}  // namespace nabla
