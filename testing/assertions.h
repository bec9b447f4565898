// GoogleTest assertions on tensors and gradients. Each fails with the report of
// the comparison behind it (tensor_comparison.h, gradient_comparison.h):
//   EXPECT_TENSOR_NEAR(actual, expected)            dtype-aware default tolerances
//   ASSERT_TENSOR_NEAR(actual, expected, .rtol = 1e-4, .atol = 1e-6)
//   EXPECT_THAT(actual, TensorNear(expected))       the same test as a matcher
//   EXPECT_GRADIENTS_MATCH(manual, model)           hand-written gradients against autograd's
//   ASSERT_GRADIENTS_MATCH(manual, named_variables, .allow_missing = true)
// The optional trailing arguments are the designated initializers of
// CompareOptions and GradientCompareOptions. Actual and expected may be Tensors
// or Variables (a Variable's value is compared).
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <concepts>
#include <ostream>
#include <utility>

#include "autograd/variable.h"
#include "tensor/print.h"
#include "testing/gradient_comparison.h"
#include "testing/tensor_comparison.h"

namespace nabla::test {

namespace detail {

inline const Tensor& tensor_of(const Tensor& t) {
  return t;
}
inline const Tensor& tensor_of(const Variable& v) {
  return v.value();
}

template <class T>
concept TensorLike = std::same_as<T, Tensor> || std::same_as<T, Variable>;

}  // namespace detail

/// The predicate-formatter behind EXPECT_TENSOR_NEAR: success when compare_tensors
/// passes, otherwise a failure whose message names both expressions and carries the
/// comparison's report.
template <detail::TensorLike A, detail::TensorLike E>
::testing::AssertionResult tensor_near(const char* actual_text,
                                       const char* expected_text,
                                       const char* /*options_text*/,
                                       const A& actual,
                                       const E& expected,
                                       const CompareOptions& options) {
  const TensorComparison comparison =
      compare_tensors(detail::tensor_of(actual), detail::tensor_of(expected), options);
  if (comparison.ok) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << actual_text << " is not close to " << expected_text << ": " << comparison.report();
}

/// The predicate-formatter behind EXPECT_GRADIENTS_MATCH: `variables` is a
/// NamedVariables list or a module (anything compare_gradients accepts).
template <class V>
::testing::AssertionResult gradients_match(const char* manual_text,
                                           const char* variables_text,
                                           const char* /*options_text*/,
                                           const NamedTensors& manual,
                                           const V& variables,
                                           const GradientCompareOptions& options) {
  const GradientComparison comparison = compare_gradients(manual, variables, options);
  if (comparison.ok) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "the gradients of " << manual_text << " do not match those autograd left in "
         << variables_text << ": " << comparison.report();
}

/// The matcher behind TensorNear; matches a Tensor or a Variable's value.
class TensorNearMatcher {
 public:
  TensorNearMatcher(Tensor expected, CompareOptions options)
      : expected_(std::move(expected)), options_(options) {}

  template <detail::TensorLike T>
  bool MatchAndExplain(const T& actual, ::testing::MatchResultListener* listener) const {
    const TensorComparison comparison =
        compare_tensors(detail::tensor_of(actual), expected_, options_);
    if (!comparison.ok) *listener << comparison.report();
    return comparison.ok;
  }
  void DescribeTo(std::ostream* out) const { *out << "is close to " << expected_; }
  void DescribeNegationTo(std::ostream* out) const { *out << "is not close to " << expected_; }

 private:
  Tensor expected_;
  CompareOptions options_;
};

/// A GoogleTest matcher: EXPECT_THAT(y, TensorNear(expected)) passes when compare_tensors
/// does (same shape and dtype, every element within tolerance), and explains a failure
/// with its report. Named in GoogleTest's matcher style (Eq, ElementsAre).
inline ::testing::PolymorphicMatcher<TensorNearMatcher> TensorNear(
    Tensor expected, const CompareOptions& options = {}) {
  return ::testing::MakePolymorphicMatcher(TensorNearMatcher(std::move(expected), options));
}

}  // namespace nabla::test

/// Expects `actual` close to `expected` (Tensors or Variables); optional trailing
/// arguments are CompareOptions' designated initializers: .rtol = 1e-4, .equal_nan = true.
#define EXPECT_TENSOR_NEAR(actual, expected, ...)                   \
  EXPECT_PRED_FORMAT3(::nabla::test::tensor_near, actual, expected, \
                      (::nabla::test::CompareOptions{__VA_ARGS__}))
#define ASSERT_TENSOR_NEAR(actual, expected, ...)                   \
  ASSERT_PRED_FORMAT3(::nabla::test::tensor_near, actual, expected, \
                      (::nabla::test::CompareOptions{__VA_ARGS__}))

/// Expects every manual gradient (NamedTensors) to match the gradient autograd left in
/// the Variable of the same name (NamedVariables, or a module's named_parameters());
/// optional trailing arguments are GradientCompareOptions' designated initializers.
#define EXPECT_GRADIENTS_MATCH(manual, variables, ...)                   \
  EXPECT_PRED_FORMAT3(::nabla::test::gradients_match, manual, variables, \
                      (::nabla::test::GradientCompareOptions{__VA_ARGS__}))
#define ASSERT_GRADIENTS_MATCH(manual, variables, ...)                   \
  ASSERT_PRED_FORMAT3(::nabla::test::gradients_match, manual, variables, \
                      (::nabla::test::GradientCompareOptions{__VA_ARGS__}))
