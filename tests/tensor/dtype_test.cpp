// Tests of the dtype table: element sizes, names, the floating predicate and
// the promotion rule of binary operations.
#include "tensor/dtype.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <sstream>

namespace nabla {
namespace {

TEST(DType, SizesInBytes) {
  EXPECT_EQ(size_of(DType::f32), 4u);
  EXPECT_EQ(size_of(DType::f64), 8u);
  EXPECT_EQ(size_of(DType::i64), 8u);
  EXPECT_EQ(size_of(dtype_of<float>()), sizeof(float));
  EXPECT_EQ(size_of(dtype_of<double>()), sizeof(double));
  EXPECT_EQ(size_of(dtype_of<std::int64_t>()), sizeof(std::int64_t));
}

TEST(DType, Names) {
  EXPECT_EQ(name(DType::f32), "f32");
  EXPECT_EQ(name(DType::f64), "f64");
  EXPECT_EQ(name(DType::i64), "i64");
  std::ostringstream out;
  out << DType::f64 << ' ' << DType::i64;
  EXPECT_EQ(out.str(), "f64 i64");
}

TEST(DType, FloatingPredicate) {
  EXPECT_TRUE(is_floating(DType::f32));
  EXPECT_TRUE(is_floating(DType::f64));
  EXPECT_FALSE(is_floating(DType::i64));
}

TEST(DType, PromotionPicksTheWiderFloatingType) {
  EXPECT_EQ(promote(DType::f32, DType::f32), DType::f32);
  EXPECT_EQ(promote(DType::i64, DType::i64), DType::i64);
  EXPECT_EQ(promote(DType::i64, DType::f32), DType::f32);
  EXPECT_EQ(promote(DType::f32, DType::i64), DType::f32);
  EXPECT_EQ(promote(DType::f32, DType::f64), DType::f64);
  EXPECT_EQ(promote(DType::f64, DType::f32), DType::f64);
  EXPECT_EQ(promote(DType::i64, DType::f64), DType::f64);
  EXPECT_EQ(promote(DType::f64, DType::f64), DType::f64);
}

TEST(DType, DtypeOfMapsCxxTypes) {
  static_assert(dtype_of<float>() == DType::f32);
  static_assert(dtype_of<double>() == DType::f64);
  static_assert(dtype_of<std::int64_t>() == DType::i64);
  EXPECT_EQ(dtype_of<float>(), DType::f32);
}

}  // namespace
}  // namespace nabla
