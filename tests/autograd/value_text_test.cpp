// Tensors as text: values nested by dimension, summaries, integers, -0.
#include "autograd/value_text.h"

#include <gtest/gtest.h>

#include "tensor/ops.h"

namespace nabla::autograd {
namespace {

TEST(ValueText, Numbers) {
  EXPECT_EQ(format_number(0.70710678, 4), "0.7071");
  EXPECT_EQ(format_number(-3.0, 4), "-3");
  EXPECT_EQ(format_number(-0.0, 4), "0");
  EXPECT_EQ(format_number(1e-5, 4), "1e-05");
  EXPECT_EQ(format_number(6.8813735870195432, 2), "6.9");
}

TEST(ValueText, SmallTensorsAreWrittenInFull) {
  EXPECT_EQ(format_tensor(full({}, 0.5, DType::f64)), "0.5");
  EXPECT_EQ(format_tensor(from_vector(std::vector<double>{0.5, -1}, {2})), "[0.5, -1]");
  EXPECT_EQ(format_tensor(from_vector(std::vector<double>{1, 2, 3, 4}, {2, 2})),
            "[[1, 2], [3, 4]]");
  EXPECT_EQ(format_tensor(from_vector(std::vector<std::int64_t>{123456789, 2}, {2})),
            "[123456789, 2]");
  EXPECT_EQ(format_tensor(zeros({2, 0})), "[[], []]");
  EXPECT_EQ(format_tensor(Tensor()), "undefined");
}

TEST(ValueText, LargeTensorsAreSummarised) {
  const Tensor t = from_vector(std::vector<double>{1, 2, 3, 6}, {4});
  EXPECT_EQ(format_tensor(t, {.values_up_to = 3}), "{mean 3, min 1, max 6}");
  EXPECT_TRUE(writes_values(t, {.values_up_to = 4}));
  EXPECT_FALSE(writes_values(t, {.values_up_to = 3}));
  EXPECT_EQ(format_tensor(zeros({0}), {.values_up_to = -1}), "{empty}");
}

}  // namespace
}  // namespace nabla::autograd
