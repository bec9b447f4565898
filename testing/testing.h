// The testing layer's umbrella header: the GoogleTest assertions for test
// authors (EXPECT_TENSOR_NEAR, TensorNear, EXPECT_GRADIENTS_MATCH) with the
// plain comparisons behind them, and gradcheck's EXPECT_GRADCHECK. Link
// nabla::testing, which brings GoogleTest.
#pragma once

#include "autograd/gradcheck_gtest.h"
#include "testing/assertions.h"
#include "testing/gradient_comparison.h"
#include "testing/tensor_comparison.h"
