// Tests of the elementwise kernels: values against references computed in
// plain double arithmetic here, dtype rules, broadcasting, strided and empty
// inputs, numerical stability of the activations, and every error path.
#include "tensor/elementwise.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "tensor/factory.h"

#include "test_util.h"

namespace nabla {
namespace {

using testing::values;

using testing::expect_error;

using ::testing::HasSubstr;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Checks every element of `t` against `expected` with a relative tolerance
// suited to t's dtype (NaN must match NaN).
void expect_values(const Tensor& t, const std::vector<double>& expected, double tol = -1) {
  if (tol < 0) tol = t.dtype() == DType::f64 ? 1e-12 : 2e-6;
  const std::vector<double> got = values(t);
  ASSERT_EQ(got.size(), expected.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (std::isnan(expected[i])) {
      EXPECT_TRUE(std::isnan(got[i])) << "element " << i << " is " << got[i];
    } else if (std::isinf(expected[i])) {
      EXPECT_EQ(got[i], expected[i]) << "element " << i;
    } else {
      EXPECT_NEAR(got[i], expected[i], tol * std::max(1.0, std::abs(expected[i])))
          << "element " << i;
    }
  }
}

// The transpose of a contiguous [rows, cols] tensor as a strided view,
// built with as_strided only.
Tensor transposed(const Tensor& t) {
  return as_strided(t, Shape{t.shape()[1], t.shape()[0]}, Strides{1, t.shape()[1]}, t.offset());
}

// Applies `f` in double to each element of `in`.
std::vector<double> map_ref(const std::vector<double>& in, const std::function<double(double)>& f) {
  std::vector<double> out;
  for (double v : in) out.push_back(f(v));
  return out;
}

const std::vector<double> kInputs = {-3.5, -1.0, -0.25, 0.0, 0.3, 1.0, 2.75};
const std::vector<double> kPositive = {0.01, 0.5, 1.0, 2.0, 10.0, 1234.5};

// ---- Binary arithmetic ----------------------------------------------------------

TEST(ElementwiseAdd, SameShapeF32AndF64) {
  for (DType dt : {DType::f32, DType::f64}) {
    Tensor a = tensor({{1, 2, 3}, {4, 5, 6}}, dt);
    Tensor b = tensor({{0.5, -2, 10}, {0, 0.25, -6}}, dt);
    Tensor c = add(a, b);
    EXPECT_EQ(c.dtype(), dt);
    EXPECT_EQ(c.shape(), (Shape{2, 3}));
    expect_values(c, {1.5, 0, 13, 4, 5.25, 0});
  }
}

TEST(ElementwiseBinary, SubMulDivValues) {
  for (DType dt : {DType::f32, DType::f64}) {
    Tensor a = tensor({3, -4, 7.5, 1}, dt);
    Tensor b = tensor({2, 8, -0.5, 3}, dt);
    expect_values(sub(a, b), {1, -12, 8, -2});
    expect_values(mul(a, b), {6, -32, -3.75, 3});
    expect_values(div(a, b), {1.5, -0.5, -15, 1.0 / 3.0});
  }
}

TEST(ElementwiseBinary, ScalarOnEitherSide) {
  Tensor t = tensor({1, 2, 4});
  expect_values(add(t, 0.5), {1.5, 2.5, 4.5});
  expect_values(add(0.5, t), {1.5, 2.5, 4.5});
  expect_values(sub(t, 1), {0, 1, 3});
  expect_values(sub(10, t), {9, 8, 6});
  expect_values(mul(t, -2), {-2, -4, -8});
  expect_values(mul(3, t), {3, 6, 12});
  expect_values(div(t, 4), {0.25, 0.5, 1});
  expect_values(div(1, t), {1, 0.5, 0.25});
}

TEST(ElementwiseBinary, OperatorsMatchNamedFunctions) {
  Tensor a = tensor({{1, -2}, {3, 8}}, DType::f64);
  Tensor b = tensor({{4, 5}, {-6, 2}}, DType::f64);
  expect_values(a + b, {5, 3, -3, 10});
  expect_values(a - b, {-3, -7, 9, 6});
  expect_values(a * b, {4, -10, -18, 16});
  expect_values(a / b, {0.25, -0.4, -0.5, 4});
  expect_values(a + 1, {2, -1, 4, 9});
  expect_values(1 + a, {2, -1, 4, 9});
  expect_values(a - 1, {0, -3, 2, 7});
  expect_values(1 - a, {0, 3, -2, -7});
  expect_values(a * 2, {2, -4, 6, 16});
  expect_values(2 * a, {2, -4, 6, 16});
  expect_values(a / 2, {0.5, -1, 1.5, 4});
  expect_values(8 / a, {8, -4, 8.0 / 3.0, 1});
  expect_values(-a, {-1, 2, -3, -8});
}

TEST(ElementwiseBinary, ResultDoesNotAliasInputs) {
  Tensor a = tensor({1, 2});
  Tensor c = add(a, 0.0);
  EXPECT_FALSE(c.shares_storage(a));
  c.fill_(7);
  expect_values(a, {1, 2});
}

TEST(ElementwiseBinary, FloatScalarStaysF32) {
  Tensor t = tensor({1, 2});
  Tensor r = add(t, 0.1);
  EXPECT_EQ(r.dtype(), DType::f32);
  // The scalar is rounded to float before adding, as in PyTorch.
  EXPECT_EQ(r.to_vector<float>(), (std::vector<float>{1.0f + 0.1f, 2.0f + 0.1f}));
}

TEST(ElementwiseBinary, PromotesMixedDtypes) {
  Tensor i = tensor({1, 2}, DType::i64);
  Tensor f = tensor({0.5, 0.25}, DType::f32);
  Tensor d = tensor({0.125, 4}, DType::f64);
  Tensor if32 = add(i, f);
  EXPECT_EQ(if32.dtype(), DType::f32);
  expect_values(if32, {1.5, 2.25});
  Tensor fd = mul(f, d);
  EXPECT_EQ(fd.dtype(), DType::f64);
  expect_values(fd, {0.0625, 1});
  EXPECT_EQ(sub(d, i).dtype(), DType::f64);
}

TEST(ElementwiseI64, ArithmeticStaysIntegral) {
  Tensor a = tensor({7, -3, 10}, DType::i64);
  Tensor b = tensor({2, 5, -4}, DType::i64);
  Tensor s = add(a, b);
  EXPECT_EQ(s.dtype(), DType::i64);
  EXPECT_EQ(s.to_vector<std::int64_t>(), (std::vector<std::int64_t>{9, 2, 6}));
  EXPECT_EQ(mul(a, b).to_vector<std::int64_t>(), (std::vector<std::int64_t>{14, -15, -40}));
  EXPECT_EQ(sub(a, 2).dtype(), DType::i64);
  EXPECT_EQ((a * 3).to_vector<std::int64_t>(), (std::vector<std::int64_t>{21, -9, 30}));
  // A large value survives exactly, which a trip through f32 or f64 would not.
  const std::int64_t big = (std::int64_t{1} << 60) + 1;
  Tensor l = tensor({0}, DType::i64).fill_(static_cast<double>(std::int64_t{1} << 60));
  EXPECT_EQ(add(l, 1).item<std::int64_t>(), big);
}

TEST(ElementwiseI64, NonIntegralScalarGivesF32) {
  Tensor a = tensor({1, 2}, DType::i64);
  Tensor r = add(a, 0.5);
  EXPECT_EQ(r.dtype(), DType::f32);
  expect_values(r, {1.5, 2.5});
  EXPECT_EQ(mul(2.5, a).dtype(), DType::f32);
  expect_values(mul(2.5, a), {2.5, 5});
  EXPECT_EQ(add(a, 2.0).dtype(), DType::i64);
}

TEST(ElementwiseDiv, TwoI64GivesTrueDivisionInF32) {
  Tensor a = tensor({7, -3, 1}, DType::i64);
  Tensor b = tensor({2, 2, 3}, DType::i64);
  Tensor r = div(a, b);
  EXPECT_EQ(r.dtype(), DType::f32);
  expect_values(r, {3.5, -1.5, 1.0 / 3.0});
  EXPECT_EQ(div(a, 2).dtype(), DType::f32);
  expect_values(div(a, 2), {3.5, -1.5, 0.5});
  expect_values(div(1, b), {0.5, 0.5, 1.0 / 3.0});
}

TEST(ElementwiseDiv, IntegerDivisionByZeroThrows) {
  Tensor a = tensor({1, 2}, DType::i64);
  Tensor z = tensor({3, 0}, DType::i64);
  expect_error([&] { div(a, z); }, {"div", "division by zero", "[2]"});
  expect_error([&] { div(a, 0.0); }, {"div", "division by zero"});
  expect_error([&] { div(5.0, z); }, {"div", "division by zero"});
  expect_error([&] { (void)(a / z); }, {"div"});
  // Non-contiguous zero divisor is found too.
  Tensor base = tensor({{1, 0}, {2, 3}}, DType::i64);
  expect_error([&] { div(tensor({{1, 1}, {1, 1}}, DType::i64), transposed(base)); }, {"div"});
}

TEST(ElementwiseDiv, FloatingDivisionByZeroIsIeee) {
  Tensor a = tensor({1, -1, 0}, DType::f64);
  expect_values(div(a, 0.0), {kInf, -kInf, kNaN});
  // A float scalar dividing an i64 tensor is floating division.
  expect_values(div(1.5, tensor({0, 2}, DType::i64)), {kInf, 0.75});
}

TEST(ElementwisePow, TensorAndScalarExponents) {
  for (DType dt : {DType::f32, DType::f64}) {
    Tensor base = tensor({2, 9, 0.5, 3}, dt);
    Tensor ex = tensor({3, 0.5, -1, 0}, dt);
    expect_values(pow(base, ex), {8, 3, 2, 1});
    expect_values(pow(base, 2.0), {4, 81, 0.25, 9});
    expect_values(pow(base, 0.5), map_ref({2, 9, 0.5, 3}, [](double v) { return std::sqrt(v); }));
    expect_values(pow(2.0, ex), {8, std::sqrt(2.0), 0.5, 1});
    EXPECT_EQ(pow(base, 2.0).dtype(), dt);
  }
  expect_values(pow(tensor({-3}), 2.0), {9});
  expect_values(pow(tensor({-8}, DType::f64), 1.0 / 3.0), {kNaN});
}

TEST(ElementwisePow, IntegerPowerAndNegativeExponentError) {
  Tensor b = tensor({2, -3, 5}, DType::i64);
  Tensor e = tensor({10, 3, 0}, DType::i64);
  Tensor r = pow(b, e);
  EXPECT_EQ(r.dtype(), DType::i64);
  EXPECT_EQ(r.to_vector<std::int64_t>(), (std::vector<std::int64_t>{1024, -27, 1}));
  EXPECT_EQ(pow(b, 2.0).to_vector<std::int64_t>(), (std::vector<std::int64_t>{4, 9, 25}));
  EXPECT_EQ(pow(3.0, e).to_vector<std::int64_t>(), (std::vector<std::int64_t>{59049, 27, 1}));
  EXPECT_EQ(pow(b, 0.5).dtype(), DType::f32);
  expect_error([&] { pow(b, tensor({1, -1, 2}, DType::i64)); }, {"pow", "negative"});
  expect_error([&] { pow(b, -2.0); }, {"pow", "negative", "-2"});
  expect_error([&] { pow(2.0, tensor({-1}, DType::i64)); }, {"pow", "negative"});
}

TEST(ElementwiseMaxMin, ValuesNaNAndI64) {
  Tensor a = tensor({1, 5, -2, kNaN}, DType::f64);
  Tensor b = tensor({3, 4, -2, 0}, DType::f64);
  expect_values(maximum(a, b), {3, 5, -2, kNaN});
  expect_values(minimum(a, b), {1, 4, -2, kNaN});
  expect_values(maximum(b, a), {3, 5, -2, kNaN});
  expect_values(minimum(b, a), {1, 4, -2, kNaN});
  expect_values(maximum(a, 2.0), {2, 5, 2, kNaN});
  expect_values(minimum(a, 2.0), {1, 2, -2, kNaN});
  Tensor i = tensor({{-5, 7}}, DType::i64);
  Tensor m = maximum(i, from_vector(std::vector<std::int64_t>{0, 10}, Shape{2, 1}));
  EXPECT_EQ(m.dtype(), DType::i64);
  EXPECT_EQ(m.shape(), (Shape{2, 2}));
  EXPECT_EQ(m.to_vector<std::int64_t>(), (std::vector<std::int64_t>{0, 7, 10, 10}));
  EXPECT_EQ(minimum(i, 0.0).to_vector<std::int64_t>(), (std::vector<std::int64_t>{-5, 0}));
}

// ---- Broadcasting -------------------------------------------------------------------

TEST(ElementwiseBroadcast, ColumnWithRow) {
  Tensor col = from_vector(std::vector<float>{1, 2, 3}, Shape{3, 1});
  Tensor row = tensor({{10, 20, 30, 40}});  // [1, 4]
  Tensor r = add(col, row);
  EXPECT_EQ(r.shape(), (Shape{3, 4}));
  std::vector<double> expected;
  for (double c : {1, 2, 3})
    for (double w : {10, 20, 30, 40}) expected.push_back(c + w);
  expect_values(r, expected);
  Tensor m = mul(row, col);
  EXPECT_EQ(m.shape(), (Shape{3, 4}));
  expect_values(m, {10, 20, 30, 40, 20, 40, 60, 80, 30, 60, 90, 120});
}

TEST(ElementwiseBroadcast, MatrixWithVector) {
  Tensor m = tensor({{1, 2, 3}, {4, 5, 6}}, DType::f64);
  Tensor v = tensor({10, 100, 1000}, DType::f64);
  expect_values(add(m, v), {11, 102, 1003, 14, 105, 1006});
  expect_values(sub(v, m), {9, 98, 997, 6, 95, 994});
  expect_values(div(m, v), {0.1, 0.02, 0.003, 0.4, 0.05, 0.006});
}

TEST(ElementwiseBroadcast, Rank0WithAnything) {
  Tensor s = scalar_tensor(2.0);
  Tensor m = tensor({{1, 2}, {3, 4}});
  EXPECT_EQ(add(s, m).shape(), (Shape{2, 2}));
  expect_values(sub(s, m), {1, 0, -1, -2});
  expect_values(mul(m, s), {2, 4, 6, 8});
  Tensor r = add(s, scalar_tensor(3.0));
  EXPECT_EQ(r.dim(), 0);
  EXPECT_FLOAT_EQ(r.item<float>(), 5.0f);
  Tensor e = add(s, empty(Shape{0, 3}));
  EXPECT_EQ(e.shape(), (Shape{0, 3}));
}

TEST(ElementwiseBroadcast, IncompatibleShapesNameBothShapes) {
  Tensor a = zeros(Shape{2, 3});
  Tensor b = zeros(Shape{4});
  expect_error([&] { add(a, b); }, {"add", "[2, 3]", "[4]"});
  expect_error([&] { sub(a, b); }, {"sub", "[2, 3]", "[4]"});
  expect_error([&] { mul(a, b); }, {"mul"});
  expect_error([&] { div(a, b); }, {"div"});
  expect_error([&] { pow(a, b); }, {"pow"});
  expect_error([&] { maximum(a, b); }, {"maximum"});
  expect_error([&] { minimum(a, b); }, {"minimum"});
  expect_error([&] { lt(a, b); }, {"lt"});
  expect_error([&] { eq(a, b); }, {"eq"});
  expect_error([&] { (void)(a + b); }, {"add", "[2, 3]", "[4]"});
  expect_error([&] { allclose(a, b); }, {"allclose"});
}

// ---- Non-contiguous and empty inputs --------------------------------------------------

TEST(ElementwiseStrided, TransposedBinaryAndUnary) {
  Tensor base = tensor({{1, 2}, {3, 4}, {5, 6}}, DType::f64);  // [3, 2]
  Tensor t = transposed(base);                                 // [2, 3] = {{1,3,5},{2,4,6}}
  ASSERT_FALSE(t.is_contiguous());
  Tensor c = tensor({{10, 20, 30}, {40, 50, 60}}, DType::f64);
  expect_values(add(t, c), {11, 23, 35, 42, 54, 66});
  expect_values(sub(c, t), {9, 17, 25, 38, 46, 54});
  expect_values(mul(t, t), {1, 9, 25, 4, 16, 36});
  expect_values(neg(t), {-1, -3, -5, -2, -4, -6});
  expect_values(exp(t), map_ref({1, 3, 5, 2, 4, 6}, [](double v) { return std::exp(v); }));
  expect_values(add(t, 1.0), {2, 4, 6, 3, 5, 7});
  expect_values(clamp(t, 2, 5), {2, 3, 5, 2, 4, 5});
}

TEST(ElementwiseStrided, ExpandedAndOffsetViews) {
  Tensor base = tensor({1, 2, 3, 4, 5, 6});
  // Stride-0 view repeating the row [2, 3, 4] twice, starting at offset 1.
  Tensor rep = as_strided(base, Shape{2, 3}, Strides{0, 1}, 1);
  expect_values(mul(rep, tensor({{1, 1, 1}, {2, 2, 2}})), {2, 3, 4, 4, 6, 8});
  // Every other element: [1, 3, 5].
  Tensor skip = as_strided(base, Shape{3}, Strides{2}, 0);
  expect_values(sqrt(skip), {1, std::sqrt(3.0), std::sqrt(5.0)});
  expect_values(gt(skip, tensor({0, 3, 9})), {1, 0, 0});
}

TEST(ElementwiseStrided, LargeTransposedTakesParallelPath) {
  const std::int64_t rows = 300;
  const std::int64_t cols = 257;
  Tensor base = arange(0, static_cast<double>(rows * cols), 1, DType::f64).to(DType::f64);
  Tensor m = as_strided(base, Shape{rows, cols}, Strides{cols, 1}, 0);
  Tensor t = transposed(m);  // [cols, rows]
  Tensor r = add(t, 0.5);
  const std::vector<double> got = values(r);
  bool ok = true;
  for (std::int64_t i = 0; i < cols && ok; ++i)
    for (std::int64_t j = 0; j < rows && ok; ++j)
      ok = got[i * rows + j] == static_cast<double>(j * cols + i) + 0.5;
  EXPECT_TRUE(ok);
}

TEST(ElementwiseLarge, ContiguousAddMatchesReference) {
  const std::int64_t n = 200003;  // above the parallel grain, odd length
  std::vector<float> a(n), b(n);
  for (std::int64_t i = 0; i < n; ++i) {
    a[i] = static_cast<float>(i % 1000) * 0.5f;
    b[i] = static_cast<float>(i % 7) - 3.0f;
  }
  const std::vector<float> got = add(from_vector(a), from_vector(b)).to_vector<float>();
  ASSERT_EQ(got.size(), a.size());
  std::int64_t mismatches = 0;
  for (std::int64_t i = 0; i < n; ++i) mismatches += got[i] != a[i] + b[i];
  EXPECT_EQ(mismatches, 0);
}

TEST(ElementwiseEmpty, EmptyInputsGiveEmptyOutputs) {
  Tensor e = empty(Shape{0, 3});
  EXPECT_EQ(exp(e).shape(), (Shape{0, 3}));
  EXPECT_EQ(add(e, tensor({1, 2, 3})).shape(), (Shape{0, 3}));
  EXPECT_EQ(mul(e, 2.0).numel(), 0);
  EXPECT_EQ(relu(empty(Shape{0}, DType::i64)).dtype(), DType::i64);
  EXPECT_EQ(div(empty(Shape{0}, DType::i64), empty(Shape{0}, DType::i64)).dtype(), DType::f32);
  EXPECT_EQ(lt(e, 0.0).shape(), (Shape{0, 3}));
  EXPECT_TRUE(allclose(e, e));
  EXPECT_TRUE(equal(e, empty(Shape{0, 3})));
  expect_error([&] { add(e, empty(Shape{2})); }, {"add", "[0, 3]", "[2]"});
}

// ---- Comparisons --------------------------------------------------------------------

TEST(ElementwiseCompare, TensorTensorGivesOnesAndZeros) {
  for (DType dt : {DType::f32, DType::f64, DType::i64}) {
    Tensor a = tensor({1, 2, 3}, dt);
    Tensor b = tensor({2, 2, 2}, dt);
    EXPECT_EQ(eq(a, b).dtype(), dt);
    expect_values(eq(a, b), {0, 1, 0});
    expect_values(ne(a, b), {1, 0, 1});
    expect_values(lt(a, b), {1, 0, 0});
    expect_values(le(a, b), {1, 1, 0});
    expect_values(gt(a, b), {0, 0, 1});
    expect_values(ge(a, b), {0, 1, 1});
    expect_values(a < b, {1, 0, 0});
    expect_values(a <= b, {1, 1, 0});
    expect_values(a > b, {0, 0, 1});
    expect_values(a >= b, {0, 1, 1});
  }
  EXPECT_EQ(lt(tensor({1}, DType::i64), tensor({1.5}, DType::f64)).dtype(), DType::f64);
  expect_values(eq(tensor({kNaN}), tensor({kNaN})), {0});
}

TEST(ElementwiseCompare, TensorScalarAndBroadcast) {
  Tensor a = tensor({-1, 0, 2.5});
  expect_values(gt(a, 0.0), {0, 0, 1});
  expect_values(a >= 0.0, {0, 1, 1});
  expect_values(a < 0.0, {1, 0, 0});
  expect_values(a <= 2.5, {1, 1, 1});
  expect_values(eq(a, 2.5), {0, 0, 1});
  expect_values(ne(a, 2.5), {1, 1, 0});
  Tensor m = lt(from_vector(std::vector<float>{1, 3}, Shape{2, 1}), tensor({2, 4}));
  EXPECT_EQ(m.shape(), (Shape{2, 2}));
  expect_values(m, {1, 1, 0, 1});
}

TEST(ElementwiseCompare, I64AgainstScalar) {
  Tensor i = tensor({1, 2, 3}, DType::i64);
  Tensor r = lt(i, 2.5);
  EXPECT_EQ(r.dtype(), DType::f32);
  expect_values(r, {1, 1, 0});
  expect_values(eq(i, 2.5), {0, 0, 0});
  Tensor k = ge(i, 2.0);
  EXPECT_EQ(k.dtype(), DType::i64);
  EXPECT_EQ(k.to_vector<std::int64_t>(), (std::vector<std::int64_t>{0, 1, 1}));
}

TEST(ElementwiseCompare, MaskTimesInputIsRelu) {
  Tensor x = tensor({-2, -0.5, 0, 1, 3}, DType::f64);
  expect_values(mul(x, gt(x, 0.0)), values(relu(x)));
  expect_values(mul(x, gt(x, 0.0)), {0, 0, 0, 1, 3});
}

// ---- Unary math --------------------------------------------------------------------

struct UnaryCase {
  const char* name;
  Tensor (*op)(const Tensor&);
  double (*ref)(double);
  const std::vector<double>* inputs;
};

double ref_rsqrt(double v) {
  return 1.0 / std::sqrt(v);
}
double ref_reciprocal(double v) {
  return 1.0 / v;
}

const UnaryCase kFloatingCases[] = {
    {"exp", &exp, [](double v) { return std::exp(v); }, &kInputs},
    {"log", &log, [](double v) { return std::log(v); }, &kPositive},
    {"log1p", &log1p, [](double v) { return std::log1p(v); }, &kPositive},
    {"sqrt", &sqrt, [](double v) { return std::sqrt(v); }, &kPositive},
    {"rsqrt", &rsqrt, &ref_rsqrt, &kPositive},
    {"reciprocal", &reciprocal, &ref_reciprocal, &kPositive},
    {"tanh", &tanh, [](double v) { return std::tanh(v); }, &kInputs},
    {"sin", &sin, [](double v) { return std::sin(v); }, &kInputs},
    {"cos", &cos, [](double v) { return std::cos(v); }, &kInputs},
};

TEST(ElementwiseUnary, MathMatchesDoubleReferenceF32AndF64) {
  for (const UnaryCase& c : kFloatingCases) {
    SCOPED_TRACE(c.name);
    const std::vector<double> expected = map_ref(*c.inputs, c.ref);
    for (DType dt : {DType::f32, DType::f64}) {
      Tensor x = from_vector(*c.inputs).to(dt);
      Tensor y = c.op(x);
      EXPECT_EQ(y.dtype(), dt);
      EXPECT_EQ(y.shape(), x.shape());
      expect_values(y, expected);
    }
  }
}

TEST(ElementwiseUnary, ExpF32IsAccurateOverItsWholeRange) {
  // Every representable result, from the subnormal range to just below
  // overflow, against libm's double exp rounded to float.
  std::vector<float> xs;
  for (float v = -103.0f; v < 88.7f; v += 0.0137f) xs.push_back(v);
  const std::vector<float> got = exp(from_vector(xs)).to_vector<float>();
  double worst = 0;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const double ref = std::exp(static_cast<double>(xs[i]));
    // Relative error for normal results, absolute (in units of the smallest
    // normal float) in the subnormal range.
    const double scale = std::max(ref, static_cast<double>(std::numeric_limits<float>::min()));
    worst = std::max(worst, std::abs(got[i] - ref) / scale);
  }
  EXPECT_LT(worst, 1.8e-7);  // about 1.5 ulp
  expect_values(exp(tensor({89, 1000, -104, -1000, kInf, -kInf, kNaN, 0})),
                {kInf, kInf, 0, 0, kInf, 0, kNaN, 1});
}

TEST(ElementwiseUnary, TanhF32IsAccurateOverItsWholeRange) {
  // Tiny, around the switch from the polynomial to the exponential form at
  // |x| = 0.625, and out to where tanh rounds to +-1, both signs, against
  // libm's double tanh; each element alone too (the scalar tail of the loop).
  std::vector<float> xs;
  for (float v = 1e-30f; v < 1e-3f; v *= 1.7f) xs.push_back(v);
  for (float v = 0.0f; v < 10.0f; v += 0.000731f) xs.push_back(v);
  for (float v = 0.6249f; v < 0.6251f; v = std::nextafter(v, 1.0f)) xs.push_back(v);
  const std::size_t positive = xs.size();
  for (std::size_t i = 0; i < positive; ++i) xs.push_back(-xs[i]);
  const std::vector<float> got = tanh(from_vector(xs)).to_vector<float>();
  double worst = 0;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const double ref = std::tanh(static_cast<double>(xs[i]));
    worst = std::max(worst, std::abs(got[i] - ref) / std::abs(ref));
  }
  EXPECT_LT(worst, 2.5e-7);  // about 2 ulp
  for (std::size_t i = 0; i < xs.size(); i += 997) {
    const float one = tanh(from_vector(std::vector<float>{xs[i]})).item<float>();
    EXPECT_EQ(one, got[i]) << xs[i];
  }
  expect_values(tanh(tensor({9.1, 100, -100, kInf, -kInf, kNaN, 0})), {1, 1, -1, 1, -1, kNaN, 0});
}

TEST(ElementwiseUnary, FloatingOnlyOpsThrowOnI64) {
  Tensor i = tensor({1, 2}, DType::i64);
  for (const UnaryCase& c : kFloatingCases) expect_error([&] { c.op(i); }, {c.name, "i64"});
  expect_error([&] { sigmoid(i); }, {"sigmoid", "i64"});
  expect_error([&] { leaky_relu(i); }, {"leaky_relu", "i64"});
  expect_error([&] { elu(i); }, {"elu", "i64"});
  expect_error([&] { gelu(i); }, {"gelu", "i64"});
  expect_error([&] { gelu(i, true); }, {"gelu", "i64"});
  expect_error([&] { softplus(i); }, {"softplus", "i64"});
}

TEST(ElementwiseUnary, DomainEdgesFollowIeee) {
  Tensor x = tensor({-1, 0}, DType::f64);
  expect_values(log(x), {kNaN, -kInf});
  expect_values(sqrt(x), {kNaN, 0});
  expect_values(reciprocal(x), {-1, kInf});
  expect_values(log1p(tensor({-1}, DType::f64)), {-kInf});
}

TEST(ElementwiseUnary, Log1pIsAccurateForTinyInputs) {
  Tensor x = tensor({1e-10, -1e-12}, DType::f64);
  // log1p(x) = x - x^2/2 + ...; log(1 + x) would lose most digits here.
  expect_values(log1p(x), {1e-10 - 0.5e-20, -1e-12 - 0.5e-24}, 1e-14);
}

TEST(ElementwiseUnary, NegAbsSignSquareOnAllDtypes) {
  for (DType dt : {DType::f32, DType::f64, DType::i64}) {
    Tensor x = tensor({-3, 0, 2}, dt);
    EXPECT_EQ(neg(x).dtype(), dt);
    expect_values(neg(x), {3, 0, -2});
    expect_values(abs(x), {3, 0, 2});
    expect_values(sign(x), {-1, 0, 1});
    expect_values(square(x), {9, 0, 4});
    expect_values(relu(x), {0, 0, 2});
    EXPECT_EQ(relu(x).dtype(), dt);
  }
  expect_values(sign(tensor({kNaN, -0.5})), {kNaN, -1});
  expect_values(relu(tensor({kNaN})), {kNaN});
  expect_values(abs(tensor({-kInf})), {kInf});
}

TEST(ElementwiseUnary, Rank0KeepsRank0) {
  Tensor s = scalar_tensor(0.5, DType::f64);
  Tensor y = exp(s);
  EXPECT_EQ(y.dim(), 0);
  EXPECT_DOUBLE_EQ(y.item<double>(), std::exp(0.5));
}

// ---- Activations ---------------------------------------------------------------------

TEST(ElementwiseActivation, SigmoidValues) {
  for (DType dt : {DType::f32, DType::f64}) {
    Tensor x = from_vector(kInputs).to(dt);
    expect_values(sigmoid(x),
                  map_ref(kInputs, [](double v) { return 1.0 / (1.0 + std::exp(-v)); }));
  }
}

TEST(ElementwiseActivation, SigmoidIsStableForLargeMagnitudes) {
  for (DType dt : {DType::f32, DType::f64}) {
    SCOPED_TRACE(name(dt));
    const std::vector<double> y = values(sigmoid(tensor({-1000, 1000, -100, 100, -30}, dt)));
    for (double v : y) EXPECT_TRUE(std::isfinite(v));
    EXPECT_EQ(y[0], 0.0);
    EXPECT_EQ(y[1], 1.0);
    EXPECT_EQ(y[3], 1.0);
    // sigmoid(-30) = e^-30 / (1 + e^-30), far from 0 and representable.
    EXPECT_NEAR(y[4], std::exp(-30.0) / (1 + std::exp(-30.0)), 1e-6 * std::exp(-30.0));
    EXPECT_GE(y[2], 0.0);
  }
}

TEST(ElementwiseActivation, ReluLeakyReluElu) {
  for (DType dt : {DType::f32, DType::f64}) {
    Tensor x = from_vector(kInputs).to(dt);
    expect_values(relu(x), map_ref(kInputs, [](double v) { return v > 0 ? v : 0.0; }));
    expect_values(leaky_relu(x), map_ref(kInputs, [](double v) { return v > 0 ? v : 0.01 * v; }));
    expect_values(leaky_relu(x, 0.2),
                  map_ref(kInputs, [](double v) { return v > 0 ? v : 0.2 * v; }));
    expect_values(elu(x), map_ref(kInputs, [](double v) { return v > 0 ? v : std::exp(v) - 1; }));
    expect_values(elu(x, 2.0),
                  map_ref(kInputs, [](double v) { return v > 0 ? v : 2.0 * (std::exp(v) - 1); }));
  }
}

TEST(ElementwiseActivation, GeluExactAndTanhApproximation) {
  const double pi = std::acos(-1.0);
  for (DType dt : {DType::f32, DType::f64}) {
    Tensor x = from_vector(kInputs).to(dt);
    expect_values(gelu(x), map_ref(kInputs, [](double v) {
                    return 0.5 * v * (1 + std::erf(v / std::sqrt(2.0)));
                  }));
    expect_values(gelu(x, true), map_ref(kInputs, [pi](double v) {
                    return 0.5 * v *
                           (1 + std::tanh(std::sqrt(2 / pi) * (v + 0.044715 * v * v * v)));
                  }));
  }
  // gelu(1) = Phi(1) = 0.8413447460685429 (standard normal table).
  EXPECT_NEAR(gelu(tensor({1.0}, DType::f64)).item<double>(), 0.8413447460685429, 1e-15);
}

TEST(ElementwiseActivation, SoftplusValuesAndBeta) {
  for (DType dt : {DType::f32, DType::f64}) {
    Tensor x = from_vector(kInputs).to(dt);
    expect_values(softplus(x),
                  map_ref(kInputs, [](double v) { return std::log(1 + std::exp(v)); }));
    expect_values(softplus(x, 2.0),
                  map_ref(kInputs, [](double v) { return std::log(1 + std::exp(2 * v)) / 2; }));
  }
  expect_values(softplus(tensor({0.0}, DType::f64)), {std::log(2.0)});
}

TEST(ElementwiseActivation, SoftplusIsStableAndUsesThreshold) {
  for (DType dt : {DType::f32, DType::f64}) {
    const std::vector<double> y = values(softplus(tensor({1000, -1000, 25}, dt)));
    EXPECT_EQ(y[0], 1000.0);
    EXPECT_EQ(y[1], 0.0);
    EXPECT_EQ(y[2], 25.0);  // above threshold 20: x itself
  }
  // With a higher threshold x = 25 takes the formula: 25 + log1p(e^-25).
  expect_values(softplus(tensor({25.0}, DType::f64), 1.0, 30.0),
                {25.0 + std::log1p(std::exp(-25.0))});
  // beta * x > threshold: 2 * 11 > 20 gives x.
  expect_values(softplus(tensor({11.0}, DType::f64), 2.0), {11.0});
  expect_error([&] { softplus(tensor({1}), 0.0); }, {"softplus", "beta", "0"});
  expect_error([&] { softplus(tensor({1}), 1.0, kNaN); }, {"softplus", "threshold"});
}

// ---- Clamp ---------------------------------------------------------------------------

TEST(ElementwiseClamp, ValuesAndOneSidedVariants) {
  for (DType dt : {DType::f32, DType::f64, DType::i64}) {
    Tensor x = tensor({-5, -1, 0, 3, 9}, dt);
    EXPECT_EQ(clamp(x, -2, 4).dtype(), dt);
    expect_values(clamp(x, -2, 4), {-2, -1, 0, 3, 4});
    expect_values(clamp_min(x, 0), {0, 0, 0, 3, 9});
    expect_values(clamp_max(x, 0), {-5, -1, 0, 0, 0});
    EXPECT_EQ(clamp_min(x, 0).dtype(), dt);
  }
  expect_values(clamp(tensor({kNaN, 7}), 0, 1), {kNaN, 1});
  Tensor f = clamp(tensor({0, 1, 2}, DType::i64), 0.5, 1.5);
  EXPECT_EQ(f.dtype(), DType::f32);
  expect_values(f, {0.5, 1, 1.5});
  // Bounds far outside the i64 range saturate instead of wrapping.
  EXPECT_EQ(clamp(tensor({-3, 3}, DType::i64), -1e30, 1e30).to_vector<std::int64_t>(),
            (std::vector<std::int64_t>{-3, 3}));
}

TEST(ElementwiseClamp, InvalidBoundsThrow) {
  Tensor x = tensor({1, 2});
  expect_error([&] { clamp(x, 3, 1); }, {"clamp", "min 3", "max 1"});
  expect_error([&] { clamp(x, kNaN, 1); }, {"clamp", "NaN"});
  expect_error([&] { clamp_min(x, kNaN); }, {"clamp_min", "NaN"});
  expect_error([&] { clamp_max(x, kNaN); }, {"clamp_max", "NaN"});
}

// ---- allclose / equal ----------------------------------------------------------------

TEST(ElementwiseAllclose, TolerancesInfNaNAndBroadcast) {
  Tensor a = tensor({1, 2, 3}, DType::f64);
  EXPECT_TRUE(allclose(a, tensor({1, 2, 3 + 1e-7}, DType::f64)));
  EXPECT_FALSE(allclose(a, tensor({1, 2, 3.001}, DType::f64)));
  EXPECT_TRUE(allclose(a, tensor({1, 2, 3.001}, DType::f64), 1e-3));
  EXPECT_TRUE(allclose(a, tensor({1, 2, 3.001}, DType::f64), 0, 0.0011));
  EXPECT_FALSE(allclose(a, tensor({1, 2, 3.001}, DType::f64), 0, 0.0009));
  EXPECT_TRUE(allclose(tensor({kInf, -kInf}), tensor({kInf, -kInf})));
  EXPECT_FALSE(allclose(tensor({kInf}), tensor({-kInf})));
  EXPECT_FALSE(allclose(tensor({1e30}), tensor({kInf})));
  EXPECT_FALSE(allclose(tensor({kInf}), tensor({1e30})));
  EXPECT_FALSE(allclose(tensor({kNaN}), tensor({kNaN})));
  EXPECT_TRUE(allclose(tensor({{2, 2}, {2, 2}}), scalar_tensor(2.0)));
  EXPECT_TRUE(allclose(tensor({1, 2}, DType::i64), tensor({1, 2}, DType::f32)));
  expect_error([&] { allclose(a, a, -1.0); }, {"allclose", "rtol -1"});
  expect_error([&] { allclose(a, Tensor()); }, {"allclose", "undefined"});
}

TEST(ElementwiseEqual, ShapeAndValues) {
  Tensor a = tensor({{1, 2}, {3, 4}});
  EXPECT_TRUE(equal(a, tensor({{1, 2}, {3, 4}})));
  EXPECT_FALSE(equal(a, tensor({{1, 2}, {3, 5}})));
  EXPECT_FALSE(equal(a, tensor({1, 2, 3, 4})));           // same values, other shape
  EXPECT_FALSE(equal(tensor({{1, 1}}), tensor({1, 1})));  // would broadcast, still false
  EXPECT_TRUE(equal(tensor({1, 2}, DType::i64), tensor({1, 2}, DType::f64)));
  EXPECT_FALSE(equal(tensor({kNaN}), tensor({kNaN})));
  Tensor base = tensor({{1, 3}, {2, 4}});
  EXPECT_TRUE(equal(transposed(base), a));
  expect_error([&] { equal(Tensor(), a); }, {"equal", "undefined"});
}

// ---- Undefined tensors -----------------------------------------------------------------

TEST(ElementwiseErrors, UndefinedTensorThrowsNamingTheOp) {
  const Tensor u;
  const Tensor d = tensor({1});
  expect_error([&] { add(u, d); }, {"add", "undefined"});
  expect_error([&] { add(d, u); }, {"add", "undefined"});
  expect_error([&] { add(u, 1.0); }, {"add", "undefined"});
  expect_error([&] { sub(1.0, u); }, {"sub", "undefined"});
  expect_error([&] { mul(u, 2.0); }, {"mul", "undefined"});
  expect_error([&] { div(u, d); }, {"div", "undefined"});
  expect_error([&] { div(u, 2.0); }, {"div", "undefined"});
  expect_error([&] { div(2.0, u); }, {"div", "undefined"});
  expect_error([&] { pow(u, 2.0); }, {"pow", "undefined"});
  expect_error([&] { pow(2.0, u); }, {"pow", "undefined"});
  expect_error([&] { pow(d, u); }, {"pow", "undefined"});
  expect_error([&] { maximum(u, 1.0); }, {"maximum", "undefined"});
  expect_error([&] { minimum(u, d); }, {"minimum", "undefined"});
  expect_error([&] { lt(u, 0.0); }, {"lt", "undefined"});
  expect_error([&] { ge(d, u); }, {"ge", "undefined"});
  expect_error([&] { (void)(-u); }, {"neg", "undefined"});
  expect_error([&] { (void)(u > 0.0); }, {"gt", "undefined"});
  expect_error([&] { abs(u); }, {"abs", "undefined"});
  expect_error([&] { relu(u); }, {"relu", "undefined"});
  expect_error([&] { exp(u); }, {"exp", "undefined"});
  expect_error([&] { sigmoid(u); }, {"sigmoid", "undefined"});
  expect_error([&] { softplus(u); }, {"softplus", "undefined"});
  expect_error([&] { clamp(u, 0, 1); }, {"clamp", "undefined"});
  expect_error([&] { clamp_min(u, 0); }, {"clamp_min", "undefined"});
  expect_error([&] { clamp_max(u, 0); }, {"clamp_max", "undefined"});
}

// ---- relu_backward -------------------------------------------------------

TEST(ElementwiseReluBackward, PassesTheGradientWhereTheOutputIsPositive) {
  for (DType dt : {DType::f32, DType::f64}) {
    // relu'(0) = 0; a NaN gradient where y = 0 is not passed on.
    const Tensor y = tensor({0.0, 0.5, 0.0, 2.0, 0.0}, dt);
    const Tensor g = tensor({1.0, 2.0, 3.0, 4.0, kNaN}, dt);
    const Tensor grad = relu_backward(g, y);
    EXPECT_EQ(grad.dtype(), dt);
    expect_values(grad, {0, 2, 0, 4, 0});
  }
}

TEST(ElementwiseReluBackward, StridedBroadcastAndMixedInputs) {
  // The same selection through where() for inputs the one-pass loop does not take.
  const Tensor y = tensor({{1.0, 0.0, 3.0}, {0.0, 5.0, 0.0}});
  const Tensor g = tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}});
  expect_values(relu_backward(transposed(transposed(g).contiguous()), y), {1, 0, 3, 0, 5, 0});
  expect_values(relu_backward(tensor({7.0, 8.0, 9.0}), y), {7, 0, 9, 0, 8, 0});
  const Tensor mixed = relu_backward(g.to(DType::f64), y);
  EXPECT_EQ(mixed.dtype(), DType::f64);
  expect_values(mixed, {1, 0, 3, 0, 5, 0});
  expect_values(relu_backward(g, y.to(DType::i64)), {1, 0, 3, 0, 5, 0});
}

TEST(ElementwiseReluBackward, Errors) {
  expect_error([] { relu_backward(Tensor(), ones({2})); }, {"relu_backward", "undefined"});
  expect_error([] { relu_backward(ones({2}), Tensor()); }, {"relu_backward", "undefined"});
  expect_error([] { relu_backward(ones({3}), ones({2})); }, {"[3]", "[2]", "broadcast"});
}

// ---- tanh_backward, sigmoid_backward -----------------------------------------

TEST(ElementwiseActivationBackward, TanhAndSigmoidFromTheOutput) {
  // g (1 - y^2) and g y (1 - y), by hand: y = 0.5, g = 2 -> 1.5 and 0.5.
  for (DType dt : {DType::f32, DType::f64}) {
    const Tensor y = tensor({0.5, -0.5, 0.0, 1.0}, dt);
    const Tensor g = tensor({2.0, 2.0, 3.0, 4.0}, dt);
    const Tensor t = tanh_backward(g, y);
    const Tensor s = sigmoid_backward(g, y);
    EXPECT_EQ(t.dtype(), dt);
    expect_values(t, {1.5, 1.5, 3.0, 0.0});
    expect_values(s, {0.5, -1.5, 0.0, 0.0});
  }
}

TEST(ElementwiseActivationBackward, StridedBroadcastAndMixedInputs) {
  const Tensor y = tensor({{0.5, 0.0, 0.25}, {0.0, 0.5, 1.0}});
  const Tensor g = tensor({{1.0, 2.0, 4.0}, {4.0, 2.0, 6.0}});
  const Tensor strided = transposed(transposed(g).contiguous());
  expect_values(tanh_backward(strided, y), {0.75, 2.0, 3.75, 4.0, 1.5, 0.0});
  expect_values(sigmoid_backward(strided, y), {0.25, 0.0, 0.75, 0.0, 0.5, 0.0});
  expect_values(tanh_backward(tensor({4.0, 2.0, 8.0}), y), {3.0, 2.0, 7.5, 4.0, 1.5, 0.0});
  const Tensor mixed = tanh_backward(g.to(DType::f64), y);
  EXPECT_EQ(mixed.dtype(), DType::f64);
  expect_values(mixed, {0.75, 2.0, 3.75, 4.0, 1.5, 0.0});
}

TEST(ElementwiseActivationBackward, Errors) {
  expect_error([] { tanh_backward(Tensor(), ones({2})); }, {"tanh_backward", "undefined"});
  expect_error([] { sigmoid_backward(ones({2}), Tensor()); }, {"sigmoid_backward", "undefined"});
  expect_error([] { tanh_backward(ones({3}), ones({2})); }, {"[3]", "[2]", "broadcast"});
}

}  // namespace
}  // namespace nabla
