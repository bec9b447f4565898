// Tests of tensor printing: the exact text for small tensors of each dtype and
// rank, the switch to scientific notation, column alignment, nan/inf, elision
// of long dimensions in large tensors, views, and empty/undefined tensors.
#include "tensor/print.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "tensor/factory.h"

namespace nabla {
namespace {

// A contiguous [rows, cols] tensor holding 0, 1, 2, ... as i64.
Tensor counting(std::int64_t rows, std::int64_t cols) {
  return as_strided(arange(static_cast<double>(rows * cols), DType::i64), Shape{rows, cols},
                    Strides{cols, 1}, 0);
}

TEST(Print, MatrixF32) {
  EXPECT_EQ(to_string(tensor({{1, 2}, {3, 4}})),
            "tensor([[1.0000, 2.0000],\n"
            "        [3.0000, 4.0000]], shape=[2, 2], dtype=f32)");
}

TEST(Print, RankZeroAndOneElement) {
  EXPECT_EQ(to_string(scalar_tensor(3.5)), "tensor(3.5000, shape=[], dtype=f32)");
  EXPECT_EQ(to_string(tensor({5})), "tensor([5.0000], shape=[1], dtype=f32)");
  EXPECT_EQ(to_string(scalar_tensor(-7, DType::i64)), "tensor(-7, shape=[], dtype=i64)");
}

TEST(Print, F64RoundsToFourDecimals) {
  EXPECT_EQ(to_string(tensor({2.71828, -0.00049999, 0.5}, DType::f64)),
            "tensor([ 2.7183, -0.0005,  0.5000], shape=[3], dtype=f64)");
}

TEST(Print, IntegersAreExactAndAligned) {
  EXPECT_EQ(to_string(tensor({1, -20, 300}, DType::i64)),
            "tensor([  1, -20, 300], shape=[3], dtype=i64)");
  const std::int64_t big = std::int64_t{1} << 60;  // not representable as a double + 1
  EXPECT_EQ(to_string(from_vector(std::vector<std::int64_t>{big + 1})),
            "tensor([1152921504606846977], shape=[1], dtype=i64)");
}

TEST(Print, ColumnsShareOneWidth) {
  EXPECT_EQ(to_string(tensor({{1, -10}, {100, 2}})),
            "tensor([[  1.0000, -10.0000],\n"
            "        [100.0000,   2.0000]], shape=[2, 2], dtype=f32)");
}

TEST(Print, ScientificForLargeMagnitudes) {
  EXPECT_EQ(to_string(tensor({1e10, 1}, DType::f64)),
            "tensor([1.0000e+10, 1.0000e+00], shape=[2], dtype=f64)");
  EXPECT_EQ(to_string(tensor({-1e8}, DType::f64)), "tensor([-1.0000e+08], shape=[1], dtype=f64)");
  // Just below the threshold stays fixed.
  EXPECT_EQ(to_string(tensor({99999999}, DType::f64)),
            "tensor([99999999.0000], shape=[1], dtype=f64)");
}

TEST(Print, ScientificForSmallNonzeroMagnitudes) {
  EXPECT_EQ(to_string(tensor({1e-5, 2}, DType::f64)),
            "tensor([1.0000e-05, 2.0000e+00], shape=[2], dtype=f64)");
  // 1e-4 itself stays fixed, and zeros do not count as small.
  EXPECT_EQ(to_string(tensor({1e-4, 0}, DType::f64)),
            "tensor([0.0001, 0.0000], shape=[2], dtype=f64)");
}

TEST(Print, NanAndInf) {
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(to_string(tensor({std::nan(""), inf, -inf, 1})),
            "tensor([   nan,    inf,   -inf, 1.0000], shape=[4], dtype=f32)");
  // nan and inf do not trigger scientific notation.
  EXPECT_EQ(to_string(tensor({inf, 0.5}, DType::f64)),
            "tensor([   inf, 0.5000], shape=[2], dtype=f64)");
}

TEST(Print, RankThreeSeparatesBlocksWithABlankLine) {
  EXPECT_EQ(to_string(tensor({{{1, 2}, {3, 4}}, {{5, 6}, {7, 8}}}, DType::i64)),
            "tensor([[[1, 2],\n"
            "         [3, 4]],\n"
            "\n"
            "        [[5, 6],\n"
            "         [7, 8]]], shape=[2, 2, 2], dtype=i64)");
}

TEST(Print, LongDimsOfLargeTensorsAreElided) {
  EXPECT_EQ(to_string(arange(2000.0, DType::i64)),
            "tensor([   0,    1,    2, ..., 1997, 1998, 1999], shape=[2000], dtype=i64)");
  EXPECT_EQ(to_string(counting(200, 10)),
            "tensor([[   0,    1,    2, ...,    7,    8,    9],\n"
            "        [  10,   11,   12, ...,   17,   18,   19],\n"
            "        [  20,   21,   22, ...,   27,   28,   29],\n"
            "        ...,\n"
            "        [1970, 1971, 1972, ..., 1977, 1978, 1979],\n"
            "        [1980, 1981, 1982, ..., 1987, 1988, 1989],\n"
            "        [1990, 1991, 1992, ..., 1997, 1998, 1999]], shape=[200, 10], dtype=i64)");
}

TEST(Print, ShortDimsOfLargeTensorsAreKept) {
  // 1200 elements: the dim of 200 is elided, the dim of 6 (= 2 * edge items) is kept whole.
  EXPECT_EQ(to_string(counting(6, 200)),
            "tensor([[   0,    1,    2, ...,  197,  198,  199],\n"
            "        [ 200,  201,  202, ...,  397,  398,  399],\n"
            "        [ 400,  401,  402, ...,  597,  598,  599],\n"
            "        [ 600,  601,  602, ...,  797,  798,  799],\n"
            "        [ 800,  801,  802, ...,  997,  998,  999],\n"
            "        [1000, 1001, 1002, ..., 1197, 1198, 1199]], shape=[6, 200], dtype=i64)");
}

TEST(Print, SmallTensorsAreNotElided) {
  // 1000 elements is at the threshold: nothing is elided.
  const std::string s = to_string(arange(1000.0, DType::i64));
  EXPECT_EQ(s.find("..."), std::string::npos);
  EXPECT_NE(s.find(" 500, "), std::string::npos);
  EXPECT_EQ(to_string(arange(8.0, DType::i64)),
            "tensor([0, 1, 2, 3, 4, 5, 6, 7], shape=[8], dtype=i64)");
}

TEST(Print, FormatIsChosenFromTheVisibleElements) {
  // The hidden middle holds 1e10; only the shown ends decide the notation.
  Tensor t = zeros({2000}, DType::f64);
  t.data<double>()[1000] = 1e10;
  const std::string s = to_string(t);
  EXPECT_EQ(s,
            "tensor([0.0000, 0.0000, 0.0000, ..., 0.0000, 0.0000, 0.0000], shape=[2000], "
            "dtype=f64)");
}

TEST(Print, NonContiguousViews) {
  Tensor a = tensor({{1, 2, 3}, {4, 5, 6}}, DType::i64);
  Tensor t = as_strided(a, Shape{3, 2}, Strides{1, 3}, 0);
  EXPECT_EQ(to_string(t),
            "tensor([[1, 4],\n"
            "        [2, 5],\n"
            "        [3, 6]], shape=[3, 2], dtype=i64)");
  Tensor expanded = as_strided(a, Shape{2, 3}, Strides{0, 1}, 3);  // row 1 twice
  EXPECT_EQ(to_string(expanded),
            "tensor([[4, 5, 6],\n"
            "        [4, 5, 6]], shape=[2, 3], dtype=i64)");
  Tensor stepped = as_strided(a, Shape{2}, Strides{2}, 1);  // elements 1 and 3
  EXPECT_EQ(to_string(stepped), "tensor([2, 4], shape=[2], dtype=i64)");
}

TEST(Print, EmptyAndUndefined) {
  EXPECT_EQ(to_string(zeros({0, 3})), "tensor([], shape=[0, 3], dtype=f32)");
  EXPECT_EQ(to_string(zeros({0}, DType::i64)), "tensor([], shape=[0], dtype=i64)");
  EXPECT_EQ(to_string(Tensor()), "tensor(undefined)");
}

TEST(Print, StreamOperatorMatchesToString) {
  Tensor t = tensor({{0.25, 0.5}}, DType::f64);
  std::ostringstream out;
  out << t << '|' << Tensor();
  EXPECT_EQ(out.str(), to_string(t) + "|tensor(undefined)");
}

TEST(Print, HighRankLargeTensorDoesNotCrash) {
  Tensor t = ones({2, 2, 2, 2, 2, 2, 2, 100});
  const std::string s = to_string(t);
  EXPECT_EQ(s.rfind("tensor([[[[[[[[1.0000, 1.0000, 1.0000, ..., 1.0000, 1.0000, 1.0000],", 0), 0u);
  EXPECT_NE(s.find("shape=[2, 2, 2, 2, 2, 2, 2, 100], dtype=f32)"), std::string::npos);
  // Seven levels above the rows: the blocks of dim 0 are separated by 6 blank lines.
  EXPECT_NE(s.find("]]]]]]],\n\n\n\n\n\n\n        [[[[[[["), std::string::npos);
}

}  // namespace
}  // namespace nabla
