// nabla's GoogleTest assertions used from outside its tree, through the target
// nabla::testing: they pass on agreeing values and fail on different ones.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>
#include <nabla.h>
#include <testing/testing.h>

namespace {

TEST(Consumer, TensorNear) {
  const nabla::Tensor sum = nabla::full({2}, 1.0) + nabla::full({2}, 2.0);
  EXPECT_TENSOR_NEAR(sum, nabla::full({2}, 3.0));
  EXPECT_THAT(sum, nabla::test::TensorNear(nabla::full({2}, 3.0)));
}

TEST(Consumer, TensorNearFailsOnDifferentValues) {
  static const nabla::Tensor kThree = nabla::full({2}, 3.0);
  static const nabla::Tensor kFour = nabla::full({2}, 4.0);
  EXPECT_NONFATAL_FAILURE(EXPECT_TENSOR_NEAR(kThree, kFour), "tensors differ at 2 of 2 elements");
}

// y = x·W + b summed over a batch of two: each column of dW is xᵀ·1 (the column
// sums of x), db = 2 for each output.
TEST(Consumer, GradientsMatch) {
  nabla::nn::Linear layer(2, 2);
  const nabla::Tensor x = nabla::tensor({{1.0, 2.0}, {3.0, 5.0}});
  nabla::sum(layer(x)).backward();
  const nabla::test::NamedTensors manual = {{"weight", nabla::tensor({{4.0, 4.0}, {7.0, 7.0}})},
                                            {"bias", nabla::tensor({2.0, 2.0})}};
  EXPECT_GRADIENTS_MATCH(manual, layer);
  const nabla::test::NamedTensors wrong = {{"weight", nabla::tensor({{4.0, 4.0}, {7.0, 7.0}})}};
  EXPECT_FALSE(nabla::test::compare_gradients(wrong, layer).ok);  // bias is missing
}

}  // namespace
