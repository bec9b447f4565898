// GoogleTest support for gradcheck (include only in tests that link GoogleTest):
//   EXPECT_GRADCHECK(fn, {x, w}) / ASSERT_GRADCHECK(fn, {x, w}, options)
// fail with gradcheck's report (max errors per input, the worst element).
#pragma once

#include <gtest/gtest.h>

#include "autograd/gradcheck.h"

namespace nabla::autograd {

inline ::testing::AssertionResult gradcheck_passes(const GradcheckResult& result) {
  if (result.ok) return ::testing::AssertionSuccess() << result.report();
  return ::testing::AssertionFailure() << result.report();
}

}  // namespace nabla::autograd

#define EXPECT_GRADCHECK(...) \
  EXPECT_TRUE(::nabla::autograd::gradcheck_passes(::nabla::autograd::gradcheck(__VA_ARGS__)))
#define ASSERT_GRADCHECK(...) \
  ASSERT_TRUE(::nabla::autograd::gradcheck_passes(::nabla::autograd::gradcheck(__VA_ARGS__)))
