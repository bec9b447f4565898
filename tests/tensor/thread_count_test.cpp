// The contract of docs/reliability.md, "Same results for any thread count":
// every kernel gives the same bytes on 1, 2, 3 and 4 threads. The shapes reach
// every route of NOTE [ GEMM routes ] with its thread split (thin panels, the
// own kernel's column, row and k splits, BLIS row and column panels, f64, side
// by side), and both paths of the reductions (one output per thread, chunks of
// one long reduction).

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "tensor/elementwise.h"
#include "tensor/factory.h"
#include "tensor/linalg.h"
#include "tensor/nn_ops.h"
#include "tensor/parallel.h"
#include "tensor/random.h"
#include "tensor/reduce.h"
#include "tensor/shape_ops.h"

namespace nabla {
namespace {

std::string bytes(const Tensor& t) {
  const Tensor c = t.contiguous();
  return std::string(static_cast<const char*>(c.raw_data()),
                     static_cast<std::size_t>(c.numel()) * c.element_size());
}

// f's result on 1 thread, then the same bytes on 2, 3 and 4.
void expect_same_bytes(const std::string& what, const std::function<Tensor()>& f) {
  std::string one;
  {
    const ThreadCountGuard threads(1);
    one = bytes(f());
  }
  for (int t : {2, 3, 4}) {
    const ThreadCountGuard threads(t);
    EXPECT_TRUE(bytes(f()) == one) << what << ": " << t << " threads differ from 1";
  }
}

Tensor random(const Shape& shape, DType dtype = DType::f32) {
  return randn(shape, dtype);
}

TEST(ThreadCount, MatrixProductsOfEveryRouteGiveTheSameBytes) {
  manual_seed(1);
  struct Case {
    const char* what;
    Shape a, b;
    DType dtype = DType::f32;
  };
  const std::vector<Case> cases = {
      {"thin-n above kThinWork", {4096, 300}, {300, 10}},
      {"thin-k above kThinWork", {20000, 8}, {8, 64}},
      {"own, column split", {128, 784}, {784, 256}},
      {"own, row split", {512, 256}, {256, 64}},
      {"own, k split", {64, 2048}, {2048, 64}},
      {"own, large: row parts, B in blocks of columns", {1024, 512}, {512, 600}},
      {"own, large: column parts, B in blocks of columns", {32, 4096}, {4096, 1024}},
      {"f64, row panels", {256, 256}, {256, 256}, DType::f64},
      {"f64, thin-n", {3000, 700}, {700, 7}, DType::f64},
  };
  for (const Case& c : cases) {
    const Tensor a = random(c.a, c.dtype), b = random(c.b, c.dtype);
    expect_same_bytes(c.what, [&] { return matmul(a, b); });
    // Transposed views reach BLIS and the own kernel with other strides.
    const Tensor at = transpose(a.contiguous(), 0, 1).contiguous();
    expect_same_bytes(std::string(c.what) + ", A a transposed view",
                      [&] { return matmul(transpose(at, 0, 1), b); });
    const Tensor bt = transpose(b.contiguous(), 0, 1).contiguous();
    expect_same_bytes(std::string(c.what) + ", B a transposed view",
                      [&] { return matmul(a, transpose(bt, 0, 1)); });
  }
  const Tensor batch_a = random({64, 16, 24}), batch_b = random({64, 24, 16});
  expect_same_bytes("a batch of small products", [&] { return matmul(batch_a, batch_b); });
}

TEST(ThreadCount, LinearAndItsGradientsGiveTheSameBytes) {
  manual_seed(2);
  for (const auto& [rows, in, out] : std::vector<std::array<std::int64_t, 3>>{
           {128, 784, 256}, {128, 256, 10}, {64, 512, 512}, {1000, 64, 64}}) {
    const Tensor x = random({rows, in}), w = random({in, out}), b = random({out});
    const Tensor g = random({rows, out});
    const std::string shape =
        std::to_string(rows) + "x" + std::to_string(in) + "x" + std::to_string(out);
    expect_same_bytes("linear " + shape, [&] { return linear(x, w, b); });
    for (int k = 0; k < 3; ++k) {
      expect_same_bytes("linear_backward " + shape + " gradient " + std::to_string(k), [&] {
        const LinearGrads grads = linear_backward(g, x, w, {true, true, true});
        return k == 0 ? grads.grad_x : k == 1 ? grads.grad_w : grads.grad_b;
      });
    }
  }
}

TEST(ThreadCount, ReductionsGiveTheSameBytes) {
  manual_seed(3);
  const Tensor flat = random({1'000'003});
  const Tensor tall = random({200'000, 3});
  const Tensor wide = random({3, 200'000});
  const Tensor square = random({1024, 1024});
  const Tensor logits = random({512, 1000});
  const Tensor flat64 = random({700'001}, DType::f64);
  expect_same_bytes("sum of 1e6", [&] { return sum(flat); });
  expect_same_bytes("sum of 7e5 f64", [&] { return sum(flat64); });
  expect_same_bytes("mean of 1e6", [&] { return mean(flat); });
  expect_same_bytes("var of 1e6", [&] { return var(flat); });
  expect_same_bytes("norm of 1e6", [&] { return norm(flat); });
  expect_same_bytes("logsumexp of 1e6", [&] { return logsumexp(flat); });
  expect_same_bytes("amax of 1e6", [&] { return amax(flat); });
  expect_same_bytes("sum over dim 0 of [200000, 3]", [&] { return sum(tall, {0}); });
  expect_same_bytes("var over dim 0 of [200000, 3]", [&] { return var(tall, {0}); });
  expect_same_bytes("sum over dim 1 of [3, 200000]", [&] { return sum(wide, {1}); });
  expect_same_bytes("logsumexp over dim 1 of [3, 200000]", [&] { return logsumexp(wide, {1}); });
  expect_same_bytes("sum over dim 0 of [1024, 1024]", [&] { return sum(square, {0}); });
  expect_same_bytes("sum over dim 1 of [1024, 1024]", [&] { return sum(square, {1}); });
  expect_same_bytes("softmax [512, 1000]", [&] { return softmax(logits, 1); });
  expect_same_bytes("logsumexp [512, 1000] dim 1", [&] { return logsumexp(logits, {1}); });
  expect_same_bytes("exp of 1e6", [&] { return exp(flat); });
}

// The check of the check: a computation whose bytes do depend on the thread
// count is caught.
TEST(ThreadCount, TheCheckCatchesAThreadDependentResult) {
  EXPECT_NONFATAL_FAILURE(
      expect_same_bytes("thread count",
                        [] { return full({1}, get_num_threads() == 3 ? 1.0 : 0.0); }),
      "3 threads differ from 1");
}

}  // namespace
}  // namespace nabla
