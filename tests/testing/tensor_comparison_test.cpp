// compare_tensors: tolerances by dtype, the counts, maxima and worst element
// of a failed comparison (worked out by hand for each case), shape, dtype, NaN
// and infinity handling, and the report's text.
#include "testing/tensor_comparison.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "tensor/factory.h"
#include "tensor/shape_ops.h"
#include "test_util.h"

namespace nabla {
namespace {

using test::compare_tensors;
using test::CompareOptions;
using test::default_tolerances;
using test::format_value;
using test::TensorComparison;
using testing::expect_error;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

TEST(DefaultTolerances, AreThoseOfTorchTestingAssertClose) {
  // torch.testing.assert_close's table: float32 (1.3e-6, 1e-5), float64 (1e-7, 1e-7);
  // integers are compared exactly.
  EXPECT_EQ(default_tolerances(DType::f32).rtol, 1.3e-6);
  EXPECT_EQ(default_tolerances(DType::f32).atol, 1e-5);
  EXPECT_EQ(default_tolerances(DType::f64).rtol, 1e-7);
  EXPECT_EQ(default_tolerances(DType::f64).atol, 1e-7);
  EXPECT_EQ(default_tolerances(DType::i64).rtol, 0);
  EXPECT_EQ(default_tolerances(DType::i64).atol, 0);
}

TEST(CompareTensors, F32DefaultsAllowAtolPlusRtolTimesExpected) {
  // At expected 1 the bound is 1e-5 + 1.3e-6 = 1.13e-5; float(1.000011) is
  // 1 + 1.0967e-5 and float(1.000012) is 1 + 1.2040e-5.
  const Tensor one = from_vector(std::vector<float>{1.0f});
  EXPECT_TRUE(compare_tensors(from_vector(std::vector<float>{1.000011f}), one).ok);
  const TensorComparison out = compare_tensors(from_vector(std::vector<float>{1.000012f}), one);
  EXPECT_FALSE(out.ok);
  EXPECT_EQ(out.tolerances.rtol, 1.3e-6);
  EXPECT_EQ(out.tolerances.atol, 1e-5);
}

TEST(CompareTensors, F64DefaultsAllowAtolPlusRtolTimesExpected) {
  // At expected 1 the bound is 1e-7 + 1e-7 = 2e-7.
  const Tensor one = tensor({1.0}, DType::f64);
  EXPECT_TRUE(compare_tensors(tensor({1 + 1.9e-7}, DType::f64), one).ok);
  EXPECT_FALSE(compare_tensors(tensor({1 + 2.1e-7}, DType::f64), one).ok);
  // rtol scales with |expected|: at 1000 the bound is 1e-7 + 1e-4.
  const Tensor thousand = tensor({1000.0}, DType::f64);
  EXPECT_TRUE(compare_tensors(tensor({1000.0001}, DType::f64), thousand).ok);
  EXPECT_FALSE(compare_tensors(tensor({1000.00011}, DType::f64), thousand).ok);
}

TEST(CompareTensors, ExplicitTolerancesReplaceTheDefaults) {
  const Tensor expected = tensor({1.0, 2.0, 3.0}, DType::f64);
  const Tensor actual = tensor({1.0, 2.0, 3.5}, DType::f64);
  EXPECT_FALSE(compare_tensors(actual, expected).ok);
  EXPECT_TRUE(compare_tensors(actual, expected, {.atol = 0.5}).ok);
  EXPECT_FALSE(compare_tensors(actual, expected, {.atol = 0.49}).ok);
  // 0.5 <= rtol 1/6 * 3 (atol stays at the f64 default).
  EXPECT_TRUE(compare_tensors(actual, expected, {.rtol = 1.0 / 6 + 1e-12}).ok);
  // Only atol given: rtol keeps the default of the dtype.
  const TensorComparison out = compare_tensors(actual, expected, {.atol = 1});
  EXPECT_EQ(out.tolerances.rtol, 1e-7);
  EXPECT_EQ(out.tolerances.atol, 1);
}

TEST(CompareTensors, EqualTensorsAreExactAndCloseOnesAreNot) {
  const Tensor a = tensor({1.0, 2.0}, DType::f64);
  const TensorComparison same = compare_tensors(a, a.clone());
  EXPECT_TRUE(same.ok);
  EXPECT_TRUE(same.exact);
  EXPECT_EQ(same.max_abs_diff, 0);
  EXPECT_EQ(same.headline(), "tensors are equal");
  const TensorComparison near = compare_tensors(tensor({1.0, 2.0 + 1e-8}, DType::f64), a);
  EXPECT_TRUE(near.ok);
  EXPECT_FALSE(near.exact);
  EXPECT_EQ(near.headline(), "tensors are close");
  EXPECT_NEAR(near.max_abs_diff, 1e-8, 1e-15);
  EXPECT_EQ(near.worst_index, (Shape{1}));
}

TEST(CompareTensors, CountsMismatchesAndFindsTheLargestDifferences) {
  // Mismatches at [0, 1] (|0.2 - 0.1| = 0.1, relative 1) and [1, 2]
  // (|5.5 - 5| = 0.5, relative 0.1): the largest absolute difference and the
  // worst element are at [1, 2], the largest relative one at [0, 1].
  const Tensor expected = tensor({{1.0, 0.1, 3.0}, {4.0, 5.0, 5.0}}, DType::f64);
  const Tensor actual = tensor({{1.0, 0.2, 3.0}, {4.0, 5.0, 5.5}}, DType::f64);
  const TensorComparison out = compare_tensors(actual, expected);
  EXPECT_FALSE(out.ok);
  EXPECT_EQ(out.numel, 6);
  EXPECT_EQ(out.mismatches, 2);
  EXPECT_EQ(out.nan_mismatches, 0);
  EXPECT_DOUBLE_EQ(out.max_abs_diff, 0.5);
  EXPECT_EQ(out.max_abs_index, (Shape{1, 2}));
  EXPECT_NEAR(out.max_rel_diff, 1.0, 1e-12);
  EXPECT_EQ(out.max_rel_index, (Shape{0, 1}));
  ASSERT_TRUE(out.has_worst);
  EXPECT_EQ(out.worst_index, (Shape{1, 2}));
  EXPECT_EQ(out.worst_actual, 5.5);
  EXPECT_EQ(out.worst_expected, 5.0);
}

TEST(CompareTensors, ReportSaysShapesDtypesCountsDifferencesAndValues) {
  const Tensor expected = tensor({1.0, 2.0, 3.0}, DType::f64);
  const Tensor actual = tensor({1.0, 2.0, 3.5}, DType::f64);
  const std::string report = compare_tensors(actual, expected).report();
  EXPECT_THAT(report, HasSubstr("tensors differ at 1 of 3 elements (33.3%)"));
  EXPECT_THAT(report, HasSubstr("shape [3], dtype f64 on both sides"));
  // The bound at the worst element: 1e-7 + 1e-7 * 3 = 4e-7.
  EXPECT_THAT(report,
              HasSubstr("worst element [2]: actual 3.5, expected 3 (|diff| 0.5 > allowed 4e-07)"));
  EXPECT_THAT(report, HasSubstr("max abs diff 0.5 at [2]"));
  // 0.5 / 3, to three digits.
  EXPECT_THAT(report, HasSubstr("max rel diff 0.167 at [2]"));
  EXPECT_THAT(report, HasSubstr("rtol 1e-07, atol 1e-07"));
  // Small tensors are printed, each after its label.
  EXPECT_THAT(report, HasSubstr("  actual:   tensor([1.0000, 2.0000, 3.5000]"));
  EXPECT_THAT(report, HasSubstr("  expected: tensor([1.0000, 2.0000, 3.0000]"));
}

TEST(CompareTensors, ReportAlignsTheRowsOfPrintedMatrices) {
  const Tensor expected = tensor({{1.0, 2.0}, {3.0, 4.0}}, DType::f64);
  const Tensor actual = tensor({{1.0, 2.0}, {3.0, 5.0}}, DType::f64);
  const std::string report = compare_tensors(actual, expected).report();
  // The second row lines up under the first, after the 12-character label.
  EXPECT_THAT(report, HasSubstr("  actual:   tensor([[1.0000, 2.0000],\n"
                                "                    [3.0000, 5.0000]]"));
}

TEST(CompareTensors, PrintsOnlyTensorsWithinThePrintLimit) {
  const Tensor expected = zeros({65}, DType::f64);
  const Tensor actual = ones({65}, DType::f64);
  EXPECT_THAT(compare_tensors(actual, expected).report(), Not(HasSubstr("tensor(")));
  EXPECT_THAT(compare_tensors(actual, expected, {.print_limit = 65}).report(),
              HasSubstr("actual:   tensor("));
  // A passing comparison prints no tensors.
  EXPECT_THAT(compare_tensors(expected, expected).report(), Not(HasSubstr("tensor(")));
}

TEST(CompareTensors, ShapeMismatchIsAFailureNotAnError) {
  const Tensor a = zeros({2, 3}, DType::f64);
  const Tensor b = zeros({3, 2}, DType::f64);
  const TensorComparison out = compare_tensors(a, b);
  EXPECT_FALSE(out.ok);
  EXPECT_EQ(out.numel, 0);
  EXPECT_EQ(out.headline(), "tensors differ in shape: actual [2, 3], expected [3, 2]");
  EXPECT_THAT(out.report(), HasSubstr("dtype f64 on both sides"));
  EXPECT_THAT(out.report(), HasSubstr("actual:   tensor("));
  // No broadcasting either: [3] is not [1, 3].
  EXPECT_FALSE(compare_tensors(zeros({3}), zeros({1, 3})).ok);
  EXPECT_EQ(compare_tensors(zeros({2}), zeros({3}, DType::f64)).headline(),
            "tensors differ in shape and dtype: actual [2] f32, expected [3] f64");
}

TEST(CompareTensors, DtypeMismatchFailsUnlessDtypesAreNotChecked) {
  const Tensor a = tensor({1.0, 2.0}, DType::f32);
  const Tensor b = tensor({1.0, 2.0}, DType::f64);
  const TensorComparison out = compare_tensors(a, b);
  EXPECT_FALSE(out.ok);
  EXPECT_EQ(out.mismatches, 0);
  EXPECT_EQ(out.headline(), "tensors differ in dtype: actual f32, expected f64");
  const TensorComparison values = compare_tensors(a, b, {.check_dtype = false});
  EXPECT_TRUE(values.ok);
  EXPECT_FALSE(values.exact);  // equal values, different dtypes
  // The less precise dtype's defaults apply.
  EXPECT_EQ(values.tolerances.atol, 1e-5);
  EXPECT_THAT(values.report(), HasSubstr("dtypes f32 and f64, compared as values"));
  // Both a dtype and value difference are named.
  EXPECT_EQ(compare_tensors(tensor({1.0, 3.0}), b).headline(),
            "tensors differ in dtype: actual f32, expected f64, and at 1 of 2 elements (50%)");
}

TEST(CompareTensors, UndefinedTensorsFailWithoutThrowing) {
  const Tensor a = zeros({2});
  EXPECT_EQ(compare_tensors(Tensor(), a).headline(), "actual tensor is undefined");
  EXPECT_EQ(compare_tensors(a, Tensor()).headline(), "expected tensor is undefined");
  EXPECT_EQ(compare_tensors(Tensor(), Tensor()).headline(), "both tensors are undefined");
  EXPECT_FALSE(compare_tensors(Tensor(), Tensor()).ok);
  EXPECT_THAT(compare_tensors(Tensor(), a).report(), HasSubstr("expected: [2], f32"));
}

TEST(CompareTensors, NaNMismatchesUnlessEqualNanAndOnlyAgainstNaN) {
  const Tensor with_nan = tensor({1.0, kNaN}, DType::f64);
  const TensorComparison strict = compare_tensors(with_nan, with_nan.clone());
  EXPECT_FALSE(strict.ok);  // torch's equal_nan=False
  EXPECT_EQ(strict.mismatches, 1);
  EXPECT_EQ(strict.nan_mismatches, 1);
  EXPECT_EQ(strict.nan_pairs, 1);
  EXPECT_THAT(strict.report(), HasSubstr("NaN faced NaN at 1 element(s)"));
  const TensorComparison lenient = compare_tensors(with_nan, with_nan.clone(), {.equal_nan = true});
  EXPECT_TRUE(lenient.ok);
  EXPECT_FALSE(lenient.exact);
  // NaN against a number fails either way; it is the worst element.
  const Tensor numbers = tensor({1.0, 2.0}, DType::f64);
  const TensorComparison one_sided = compare_tensors(with_nan, numbers, {.equal_nan = true});
  EXPECT_FALSE(one_sided.ok);
  EXPECT_EQ(one_sided.worst_index, (Shape{1}));
  EXPECT_THAT(one_sided.report(), HasSubstr("1 of them NaN"));
  EXPECT_THAT(one_sided.report(), HasSubstr("worst element [1]: actual nan, expected 2\n"));
  EXPECT_FALSE(compare_tensors(numbers, with_nan).ok);
}

TEST(CompareTensors, InfinitiesAreCloseOnlyToThemselves) {
  EXPECT_TRUE(
      compare_tensors(tensor({kInf, -kInf}, DType::f64), tensor({kInf, -kInf}, DType::f64)).exact);
  const TensorComparison far = compare_tensors(tensor({1e300}, DType::f64),
                                               tensor({kInf}, DType::f64), {.rtol = 1, .atol = 1});
  EXPECT_FALSE(far.ok);
  EXPECT_FALSE(compare_tensors(tensor({-kInf}, DType::f64), tensor({kInf}, DType::f64)).ok);
  EXPECT_EQ(compare_tensors(tensor({-kInf}, DType::f64), tensor({kInf}, DType::f64)).max_abs_diff,
            kInf);
}

TEST(CompareTensors, RelativeDifferenceAgainstZeroIsInfinite) {
  const TensorComparison out = compare_tensors(tensor({0.0, 1e-3}, DType::f64),
                                               tensor({0.0, 0.0}, DType::f64), {.atol = 1e-2});
  EXPECT_TRUE(out.ok);  // within atol
  EXPECT_EQ(out.max_rel_diff, kInf);
  EXPECT_EQ(out.max_rel_index, (Shape{1}));
}

TEST(CompareTensors, IntegersAreComparedExactlyAsIntegers) {
  const Tensor a = from_vector(std::vector<std::int64_t>{1, 2, 3});
  EXPECT_TRUE(compare_tensors(a, a.clone()).exact);
  const TensorComparison off = compare_tensors(from_vector(std::vector<std::int64_t>{1, 2, 4}), a);
  EXPECT_FALSE(off.ok);
  EXPECT_EQ(off.max_abs_diff, 1);
  EXPECT_DOUBLE_EQ(off.max_rel_diff, 1.0 / 3);
  // 2^53 + 1 and 2^53 are the same double, but different integers.
  const std::int64_t big = std::int64_t{1} << 53;
  EXPECT_FALSE(compare_tensors(from_vector(std::vector<std::int64_t>{big + 1}),
                               from_vector(std::vector<std::int64_t>{big}))
                   .ok);
  // Extreme values differ by more than INT64_MAX without overflowing.
  const std::int64_t lo = std::numeric_limits<std::int64_t>::min();
  const std::int64_t hi = std::numeric_limits<std::int64_t>::max();
  EXPECT_EQ(compare_tensors(from_vector(std::vector<std::int64_t>{lo}),
                            from_vector(std::vector<std::int64_t>{hi}))
                .max_abs_diff,
            std::ldexp(1.0, 64));
}

TEST(CompareTensors, ComparesViewsByTheirLogicalIndex) {
  const Tensor a = tensor({{1.0, 2.0}, {3.0, 4.0}}, DType::f64);
  const Tensor at = transpose(a, 0, 1);  // [[1, 3], [2, 4]], not contiguous
  EXPECT_TRUE(compare_tensors(at, tensor({{1.0, 3.0}, {2.0, 4.0}}, DType::f64)).exact);
  const TensorComparison off = compare_tensors(at, a);
  EXPECT_EQ(off.mismatches, 2);
  EXPECT_EQ(off.worst_index, (Shape{0, 1}));  // 3 against 2, the first of two differences of 1
}

TEST(CompareTensors, EmptyAndScalarTensors) {
  EXPECT_TRUE(compare_tensors(zeros({0, 3}), zeros({0, 3})).exact);
  const TensorComparison scalar = compare_tensors(scalar_tensor(2.0), scalar_tensor(1.0));
  EXPECT_FALSE(scalar.ok);
  EXPECT_THAT(scalar.report(), HasSubstr("worst element []: actual 2, expected 1"));
}

TEST(CompareTensors, RejectsInvalidOptions) {
  const Tensor a = zeros({2});
  expect_error([&] { compare_tensors(a, a, {.rtol = -1}); }, {"compare_tensors", "rtol", "-1"});
  expect_error([&] { compare_tensors(a, a, {.atol = kNaN}); }, {"compare_tensors", "atol", "nan"});
  expect_error([&] { compare_tensors(a, a, {.print_limit = -1}); },
               {"compare_tensors", "print_limit", "-1"});
}

TEST(FormatValue, PrintsTheShortestTextThatReadsBack) {
  EXPECT_EQ(format_value(static_cast<float>(0.1), DType::f32), "0.1");
  EXPECT_EQ(format_value(0.1, DType::f64), "0.1");
  EXPECT_EQ(format_value(static_cast<float>(0.1), DType::f64), "0.10000000149011612");
  EXPECT_EQ(format_value(1.0 / 3, DType::f64), "0.3333333333333333");
  EXPECT_EQ(format_value(3, DType::i64), "3");
  EXPECT_EQ(format_value(kNaN, DType::f32), "nan");
  EXPECT_EQ(format_value(-kInf, DType::f64), "-inf");
  EXPECT_EQ(format_value(1e300, DType::f32), "1e+300");  // beyond float: printed as a double
}

}  // namespace
}  // namespace nabla
