// The version counter of a tensor's storage: every in-place write counts one,
// views share it, copies and out-of-place ops leave it alone.
#include <gtest/gtest.h>

#include <cstdint>

#include "tensor/index.h"
#include "tensor/ops.h"
#include "tensor/random.h"

namespace nabla {
namespace {

TEST(Version, EveryInPlaceOpCountsOneWrite) {
  Tensor t = zeros({2, 2});
  const Tensor other = ones({2, 2});
  EXPECT_EQ(t.version(), 0u);
  std::uint32_t expected = 0;
  const auto wrote = [&](Tensor&) { EXPECT_EQ(t.version(), ++expected); };
  wrote(t.fill_(1));
  wrote(t.zero_());
  wrote(t.copy_(other));
  wrote(t.add_(other));
  wrote(t.add_(other, 2.0));
  wrote(t.add_(1.0));
  wrote(t.sub_(other));
  wrote(t.sub_(1.0));
  wrote(t.mul_(other));
  wrote(t.mul_(2.0));
  wrote(t.div_(other));
  wrote(t.div_(2.0));
  wrote(t.clamp_(0, 1));
  wrote(t.sqrt_());
  wrote(t.neg_());
  wrote(t.addcmul_(other, other));
  wrote(t.addcdiv_(other, other));
  wrote(scatter_add_(t, 0, zeros({1, 2}, DType::i64), ones({1, 2})));
  Generator gen(7);
  uniform_(t, 0, 1, gen);
  EXPECT_GT(t.version(), expected);
  expected = t.version();
  normal_(t, 0, 1, gen);
  EXPECT_GT(t.version(), expected);
}

TEST(Version, ViewsShareTheCounterAndCopiesDoNot) {
  Tensor t = zeros({2, 3});
  Tensor view = transpose(t, 0, 1);
  Tensor row = slice(t, 0, 1, 2);
  Tensor copy = t.clone();
  row.fill_(1);
  EXPECT_EQ(t.version(), 1u);
  EXPECT_EQ(view.version(), 1u);
  EXPECT_EQ(copy.version(), 0u);
  // Out-of-place ops write only into their fresh outputs.
  const Tensor sum_of = t + transpose(view, 0, 1);
  EXPECT_EQ(t.version(), 1u);
  EXPECT_EQ(sum_of.version(), 0u);
  EXPECT_EQ(Tensor().version(), 0u);
}

}  // namespace
}  // namespace nabla
