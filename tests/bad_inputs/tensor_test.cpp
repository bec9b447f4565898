// The catalogue of bad inputs, tensor layer: shapes that do not broadcast or
// do not fit, dims out of range, i64 in real-valued math, reductions over no
// elements where PyTorch raises, matmul and softmax misuse, and shapes whose
// element or byte count overflows. Each case names what is wrong and checks
// that the message names the op and the offending values.
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "bad_inputs/allocation_probe.h"
#include "tensor/ops.h"
#include "test_util.h"

namespace nabla {
namespace {

using testing::expect_error;
using testing::expect_error_before_allocating;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr std::int64_t kTwoTo32 = std::int64_t{1} << 32;

Tensor i64_vector() {
  return from_vector<std::int64_t>({1, 2, 3});
}

// ---- Shapes -------------------------------------------------------------------

TEST(BadInputs_Tensor, ShapesThatDoNotBroadcast) {
  expect_error([] { add(zeros({2, 3}), zeros({4})); }, {"add", "[2, 3]", "[4]"});
  expect_error([] { mul(zeros({2, 3}), zeros({3, 2})); }, {"mul", "[2, 3]", "[3, 2]"});
}

TEST(BadInputs_Tensor, InPlaceResultOfABroadcastShape) {
  Tensor t = zeros({3});
  expect_error([&] { t.add_(zeros({2, 3})); }, {"add_", "[2, 3]"});
}

TEST(BadInputs_Tensor, RankAboveTheLimit) {
  expect_error([] { zeros(Shape(9, 1)); }, {"zeros", "rank 9", "maximum of 8"});
  expect_error([] { reshape(zeros({1}), Shape(9, 1)); }, {"reshape", "rank 9", "8"});
  expect_error([] { unsqueeze(zeros(Shape(8, 1)), 0); }, {"unsqueeze", "9", "8"});
}

TEST(BadInputs_Tensor, MoreSizesThanAShapeHolds) {
  expect_error([] { Shape(10, 1); }, {"shape", "10 sizes", "9 a Shape can hold", "rank is 8"});
  expect_error(
      [] {
        reshape(zeros({1}), Shape{1, 1, 1, 1, 1, 1, 1, 1, 1, 1});
      },
      {"10 sizes", "maximum tensor rank is 8"});
}

TEST(BadInputs_Tensor, NegativeSize) {
  expect_error([] { zeros({2, -1}); }, {"zeros", "negative size", "[2, -1]"});
  expect_error([] { ones({-3}); }, {"ones", "negative size", "[-3]"});
  expect_error([] { full({4, -2}, 7.0); }, {"full", "negative size", "[4, -2]"});
  expect_error([] { empty({-1}); }, {"empty", "negative size", "[-1]"});
  expect_error([] { from_vector<float>({}, {-2, 0}); }, {"from_vector", "[-2, 0]"});
}

TEST(BadInputs_Tensor, ReductionDimOutOfRange) {
  expect_error([] { sum(zeros({2, 3}), {2}); }, {"sum", "dim 2", "rank 2"});
  expect_error([] { mean(zeros({2, 3}), {-3}); }, {"mean", "dim -3", "rank 2"});
}

TEST(BadInputs_Tensor, ReductionDimRepeated) {
  expect_error([] { sum(zeros({2, 3}), {1, -1}); }, {"sum", "dim -1", "more than once", "[1, -1]"});
}

TEST(BadInputs_Tensor, ShapeOpDimOutOfRange) {
  expect_error([] { transpose(zeros({2, 3}), 0, 2); }, {"transpose", "dim 2", "rank 2"});
  expect_error([] { squeeze(zeros({2, 1}), -3); }, {"squeeze", "dim -3", "rank 2"});
  expect_error([] { cat({zeros({2}), zeros({2})}, 1); }, {"cat", "dim 1", "rank 1"});
}

TEST(BadInputs_Tensor, PermuteThatIsNotAPermutation) {
  expect_error([] { permute(zeros({2, 3}), {0, 0}); }, {"permute", "[0, 0]", "repeats"});
  expect_error([] { permute(zeros({2, 3}), {0}); }, {"permute", "[0]", "rank 2"});
}

TEST(BadInputs_Tensor, ReshapeToADifferentCount) {
  expect_error([] { reshape(zeros({2, 3}), {4}); }, {"reshape", "[4]", "6"});
  expect_error([] { view(zeros({2, 3}), {5, -1}); }, {"view", "[5, -1]", "6"});
}

TEST(BadInputs_Tensor, ReshapeWithTwoInferredDims) {
  expect_error([] { reshape(zeros({2, 3}), {-1, -1}); }, {"reshape", "[-1, -1]", "inferred"});
}

TEST(BadInputs_Tensor, ReshapeWithANegativeSize) {
  expect_error(
      [] {
        reshape(zeros({2, 3}), {-2, -3});
      },
      {"reshape", "invalid size -2", "[-2, -3]"});
}

TEST(BadInputs_Tensor, ReshapeToAShapeWhoseCountOverflows) {
  expect_error(
      [] {
        reshape(zeros({2, 3}), {kTwoTo32, kTwoTo32});
      },
      {"reshape", "[4294967296, 4294967296]"});
}

TEST(BadInputs_Tensor, ViewOfANonContiguousLayout) {
  expect_error([] { view(transpose(zeros({2, 3}), 0, 1), {6}); }, {"view", "[3, 2]", "[6]"});
}

TEST(BadInputs_Tensor, ExpandOfASizeOtherThanOne) {
  expect_error([] { expand(zeros({2, 3}), {4, 3}); }, {"expand", "2", "4"});
}

TEST(BadInputs_Tensor, NarrowBeyondTheDim) {
  expect_error([] { narrow(zeros({5}), 0, 3, 4); }, {"narrow", "start 3", "length 4", "5"});
}

TEST(BadInputs_Tensor, SelectIndexOutOfRange) {
  expect_error([] { select(zeros({2, 3}), 1, 3); }, {"select", "index 3", "3"});
}

TEST(BadInputs_Tensor, CatOfDifferentShapes) {
  expect_error([] { cat({zeros({2, 3}), zeros({2, 4})}, 0); }, {"cat", "[2, 4]", "[2, 3]"});
  expect_error([] { stack({zeros({2}), zeros({3})}); }, {"stack", "[3]", "[2]"});
}

TEST(BadInputs_Tensor, SplitSizesThatDoNotAddUp) {
  expect_error([] { split(zeros({4}), -1); }, {"split", "-1"});
  expect_error([] { chunk(zeros({4}), 0); }, {"chunk", "0"});
}

// ---- i64 in real-valued math --------------------------------------------------

TEST(BadInputs_Tensor, I64InExpLogAndSqrt) {
  expect_error([] { exp(i64_vector()); }, {"exp", "i64"});
  expect_error([] { log(i64_vector()); }, {"log", "i64"});
  expect_error([] { sqrt(i64_vector()); }, {"sqrt", "i64"});
  expect_error([] { tanh(i64_vector()); }, {"tanh", "i64"});
}

TEST(BadInputs_Tensor, I64InPlaceDivisionAndSqrt) {
  Tensor t = i64_vector();
  expect_error([&] { t.div_(2.0); }, {"div_", "i64"});
  expect_error([&] { t.div_(i64_vector()); }, {"div_", "i64"});
  expect_error([&] { t.sqrt_(); }, {"sqrt_", "i64"});
}

TEST(BadInputs_Tensor, I64InPlaceUpdateWithAFraction) {
  Tensor t = i64_vector();
  expect_error([&] { t.add_(0.5); }, {"add_", "0.5", "i64"});
}

TEST(BadInputs_Tensor, IntegerDivisionByZero) {
  expect_error(
      [] {
        div(i64_vector(), from_vector<std::int64_t>({1, 0, 1}));
      },
      {"div", "integer division by zero", "[3]"});
  expect_error([] { div(i64_vector(), 0.0); }, {"div", "integer division by zero", "[3]"});
}

TEST(BadInputs_Tensor, I64NegativeIntegerPower) {
  expect_error([] { pow(i64_vector(), -1.0); }, {"pow", "-1"});
}

TEST(BadInputs_Tensor, I64InRealValuedReductions) {
  expect_error([] { mean(i64_vector()); }, {"mean", "i64"});
  expect_error([] { var(i64_vector()); }, {"var", "i64"});
  expect_error([] { std_dev(i64_vector()); }, {"std_dev", "i64"});
  expect_error([] { norm(i64_vector()); }, {"norm", "i64"});
  expect_error([] { logsumexp(i64_vector()); }, {"logsumexp", "i64"});
}

TEST(BadInputs_Tensor, I64InSoftmax) {
  expect_error([] { softmax(i64_vector(), 0); }, {"softmax", "i64"});
  expect_error([] { log_softmax(i64_vector(), 0); }, {"log_softmax", "i64"});
}

TEST(BadInputs_Tensor, NonFiniteValueIntoI64) {
  expect_error([] { full({2}, std::nan(""), DType::i64); }, {"full", "nan"});
  expect_error([] { full({2}, 1e300, DType::i64); }, {"full", "1e+300"});
  expect_error([] { scalar_tensor(kInf).item<std::int64_t>(); }, {"item", "inf"});
}

// ---- Reductions over no elements ----------------------------------------------
// As PyTorch: sum, prod, mean, var, logsumexp and norm of no elements have a
// value (0, 1, NaN, NaN, -inf, 0); max, min, amax, amin, argmax and argmin
// have none and raise.

TEST(BadInputs_Tensor, EmptyReductionsWithAValueGiveThatValue) {
  const Tensor empty_vector = zeros({0});
  EXPECT_EQ(sum(empty_vector).item<double>(), 0.0);
  EXPECT_EQ(prod(empty_vector).item<double>(), 1.0);
  EXPECT_TRUE(std::isnan(mean(empty_vector).item<double>()));
  EXPECT_TRUE(std::isnan(var(empty_vector).item<double>()));
  EXPECT_TRUE(std::isnan(std_dev(empty_vector).item<double>()));
  EXPECT_EQ(logsumexp(empty_vector).item<double>(), -kInf);
  EXPECT_EQ(norm(empty_vector).item<double>(), 0.0);
  EXPECT_EQ(norm(empty_vector, kInf).item<double>(), 0.0);
}

TEST(BadInputs_Tensor, MaxAndMinOfAnEmptyTensor) {
  expect_error([] { max(zeros({0})); }, {"max", "[0]"});
  expect_error([] { min(zeros({2, 0})); }, {"min", "[2, 0]"});
}

TEST(BadInputs_Tensor, MaxAndMinAlongAnEmptyDim) {
  expect_error([] { max(zeros({3, 0}), 1); }, {"max", "dim 1", "size 0", "[3, 0]"});
  expect_error([] { min(zeros({0, 3}), 0); }, {"min", "dim 0", "size 0", "[0, 3]"});
}

TEST(BadInputs_Tensor, AmaxAndAminOverAnEmptyDim) {
  expect_error([] { amax(zeros({3, 0}), {1}); }, {"amax", "[3, 0]"});
  expect_error([] { amin(zeros({0})); }, {"amin", "[0]"});
}

TEST(BadInputs_Tensor, ArgmaxAndArgminOfAnEmptyTensor) {
  expect_error([] { argmax(zeros({0})); }, {"argmax", "[0]"});
  expect_error([] { argmin(zeros({2, 0}), 1); }, {"argmin", "size 0", "[2, 0]"});
}

TEST(BadInputs_Tensor, NormMinusInfinityOfNoElements) {
  expect_error([] { norm(zeros({0}), -kInf); }, {"norm", "[0]"});
}

TEST(BadInputs_Tensor, NormOfNaNOrder) {
  expect_error([] { norm(zeros({3}), std::nan("")); }, {"norm", "p", "NaN"});
}

// ---- matmul and softmax -------------------------------------------------------

TEST(BadInputs_Tensor, MatmulInnerDimsDiffer) {
  expect_error([] { matmul(zeros({2, 3}), zeros({4, 5})); }, {"matmul", "[2, 3]", "[4, 5]"});
  expect_error([] { matmul(zeros({3}), zeros({4})); }, {"matmul", "[3]", "[4]"});
}

TEST(BadInputs_Tensor, MatmulOfARankZeroOperand) {
  expect_error([] { matmul(scalar_tensor(2), zeros({2, 2})); }, {"matmul", "rank", "0"});
}

TEST(BadInputs_Tensor, MatmulBatchDimsThatDoNotBroadcast) {
  expect_error(
      [] {
        matmul(zeros({2, 2, 3}), zeros({3, 3, 4}));
      },
      {"matmul", "[2, 2, 3]", "[3, 3, 4]"});
}

TEST(BadInputs_Tensor, MatmulOfI64OrMixedDtypes) {
  expect_error(
      [] {
        matmul(zeros({2, 2}, DType::i64), zeros({2, 2}, DType::i64));
      },
      {"matmul", "i64"});
  expect_error([] { matmul(zeros({2, 2}), zeros({2, 2}, DType::f64)); }, {"matmul", "f32", "f64"});
}

TEST(BadInputs_Tensor, LinearInputWidthDiffersFromWeightRows) {
  expect_error([] { linear(zeros({4, 3}), zeros({5, 2})); }, {"linear", "[4, 3]", "[5, 2]"});
}

TEST(BadInputs_Tensor, SoftmaxDimOutOfRange) {
  expect_error([] { softmax(zeros({2, 3}), 2); }, {"softmax", "dim 2", "rank 2"});
  expect_error([] { log_softmax(zeros({2, 3}), -3); }, {"log_softmax", "dim -3", "rank 2"});
}

// ---- Indices ------------------------------------------------------------------

TEST(BadInputs_Tensor, IndexOutOfBounds) {
  expect_error(
      [] {
        index_select(zeros({3, 2}), 0, from_vector<std::int64_t>({0, 3}));
      },
      {"index_select", "index 3", "size 3"});
  expect_error(
      [] {
        gather(zeros({2, 2}), 1, from_vector<std::int64_t>({0, -1, 0, 0}, {2, 2}));
      },
      {"gather", "index -1", "size 2"});
}

TEST(BadInputs_Tensor, IndexOfAFloatingDtype) {
  expect_error([] { index_select(zeros({3}), 0, zeros({2})); }, {"index_select", "i64", "f32"});
}

TEST(BadInputs_Tensor, OneHotLabelOutOfRange) {
  expect_error([] { one_hot(from_vector<std::int64_t>({0, 3}), 3); }, {"one_hot", "label 3", "3"});
  expect_error([] { one_hot(from_vector<std::int64_t>({-1}), 3); }, {"one_hot", "label -1"});
}

TEST(BadInputs_Tensor, ItemOfManyElements) {
  expect_error([] { zeros({2, 3}).item<float>(); }, {"item", "[2, 3]"});
}

TEST(BadInputs_Tensor, UndefinedTensor) {
  expect_error([] { add(Tensor(), zeros({2})); }, {"add", "undefined"});
  expect_error([] { sum(Tensor()); }, {"sum", "undefined"});
}

TEST(BadInputs_Tensor, RangeWithAZeroOrBackwardStep) {
  expect_error([] { arange(0, 5, 0); }, {"arange", "step"});
  expect_error([] { arange(0, 5, -1); }, {"arange", "step -1"});
  expect_error([] { linspace(0, 1, -2); }, {"linspace", "-2"});
}

// ---- Counts that overflow -----------------------------------------------------

TEST(BadInputs_Tensor, FromVectorCountDiffersFromTheShape) {
  expect_error([] { from_vector<float>({1, 2, 3}, {2, 2}); }, {"from_vector", "3", "[2, 2]", "4"});
}

TEST(BadInputs_Tensor, FromVectorShapeWhoseProductOverflows) {
  expect_error_before_allocating(
      [] {
        from_vector<float>({1, 2, 3}, {kTwoTo32, kTwoTo32});
      },
      {"from_vector", "[4294967296, 4294967296]"});
}

TEST(BadInputs_Tensor, ZerosOfAShapeWhoseByteCountOverflows) {
  // 2^61 elements fit int64, their 2^64 bytes (as f64) do not.
  expect_error_before_allocating([] { zeros({std::int64_t{1} << 61}, DType::f64); },
                                 {"[2305843009213693952]", "too large"});
  expect_error_before_allocating([] { zeros({kTwoTo32, kTwoTo32}); }, {"[4294967296, 4294967296]"});
}

TEST(BadInputs_Tensor, EyeOfANegativeSize) {
  expect_error([] { eye(-3); }, {"eye", "-3"});
}

}  // namespace
}  // namespace nabla
