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
#include <set>
#include <string>
#include <vector>

#include "autograd/gradcheck.h"
#include "autograd/gradcheck_gtest.h"

namespace nabla::testing {

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
