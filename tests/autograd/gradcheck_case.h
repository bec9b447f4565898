// How the autograd tests declare gradient checks:
//
//   GRADCHECK_TEST(TanhBackward, BroadcastAndNonContiguous) {
//     expect_gradcheck([](const auto& v) { return tanh(v[0]); }, {randn({3, 4}, DType::f64)});
//   }
//
// The test suite name is the node name of autograd/op_list.h. GRADCHECK_TEST
// registers it (op_list_test fails for an op without a case), and
// expect_gradcheck fails unless the checked graph contains that node.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "autograd/gradcheck.h"
#include "autograd/gradcheck_gtest.h"
#include "tensor/factory.h"
#include "tensor/random.h"
#include "tensor/shape_ops.h"

namespace nabla::testing {

/// An f64 tensor from row-major values (gradcheck inputs).
inline Tensor f64(const std::vector<double>& v, const Shape& shape) {
  return from_vector(v, shape);
}

/// Standard normal f64 values from a generator seeded with `seed`.
inline Tensor random(const Shape& shape, std::uint64_t seed) {
  Generator gen(seed);
  return randn(shape, gen, DType::f64);
}

/// A [3, 4] f64 view with strides [1, 3] (gradcheck keeps f64 strides, so this
/// checks a rule on a non-contiguous input).
inline Tensor transposed(std::uint64_t seed) {
  return transpose(random({4, 3}, seed), 0, 1);
}

inline std::set<std::string>& gradcheck_cases() {
  static std::set<std::string> cases;
  return cases;
}

inline bool register_gradcheck_case(const char* node) {
  gradcheck_cases().insert(node);
  return true;
}

/// Runs gradcheck and expects it to pass and to have exercised the node named
/// by the current test suite.
inline autograd::GradcheckResult expect_gradcheck(const autograd::GradcheckFn& fn,
                                                  const std::vector<Tensor>& inputs,
                                                  const autograd::GradcheckOptions& options = {}) {
  autograd::GradcheckResult result = autograd::gradcheck(fn, inputs, options);
  EXPECT_TRUE(autograd::gradcheck_passes(result));
  const std::string suite =
      ::testing::UnitTest::GetInstance()->current_test_info()->test_suite_name();
  EXPECT_THAT(result.nodes, ::testing::Contains(suite))
      << "the checked graph does not contain " << suite;
  return result;
}

}  // namespace nabla::testing

#define GRADCHECK_TEST(node, case_name)                                          \
  [[maybe_unused]] static const bool node##_##case_name##_gradcheck_registered = \
      ::nabla::testing::register_gradcheck_case(#node);                          \
  TEST(node, case_name)
