#include "tensor/tensor.h"

#include <gtest/gtest.h>

#include "tensor/factory.h"

namespace nabla {
namespace {

TEST(Tensor, FromLiteralHasShapeAndValues) {
  Tensor t = tensor({{1, 2, 3}, {4, 5, 6}});
  EXPECT_EQ(t.shape(), (Shape{2, 3}));
  EXPECT_EQ(t.dtype(), DType::f32);
  EXPECT_EQ(t.to_vector<float>(), (std::vector<float>{1, 2, 3, 4, 5, 6}));
}

}  // namespace
}  // namespace nabla
